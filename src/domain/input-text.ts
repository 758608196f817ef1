import { DomainError, ErrorDetail } from './domain-error';

/**
 * What every text input must be (SPEC §11): well-formed Unicode (no lone surrogates) without
 * control characters. Tab, line feed and carriage return are allowed: free text (comments,
 * reasons, the quarterly analysis) has lines.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Deepest nesting of objects and arrays a request body may have. */
export const MAX_JSON_DEPTH = 32;

/** The nesting depth of a JSON text, read in one pass without parsing; stops counting past `limit`. */
export function jsonDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 125 || c === 93) depth--;
  }
  return deepest;
}

/**
 * Whether a JSON text may hold a refused string: JSON carries control characters and lone
 * surrogates only as escapes (`\u0001`, `\b`, `\f`; raw ones are not JSON), and DEL and the C1
 * controls raw or escaped. One scan of the text; when it finds none, the parsed value needs no walk.
 */
const SUSPECT_JSON = /\\u(?:00[01]|007[fF]|008|009|[dD][89a-fA-F])|\\[bf]|[\u007f-\u009f]/;

export function mayHoldMalformedText(jsonText: string): boolean {
  return SUSPECT_JSON.test(jsonText);
}

/** Why a text is refused, or null when it is acceptable. */
export function textProblem(value: string): string | null {
  if (LONE_SURROGATE.test(value)) return 'is not well-formed Unicode (a lone surrogate)';
  if (CONTROL_CHARACTERS.test(value)) return 'contains a control character';
  return null;
}

/**
 * Every string of a parsed body (keys and values) checked once, with the dotted path of each
 * bad one; at most `maxDetails` are listed, with the total.
 */
export function assertWellFormedText(body: unknown, maxDetails = 20): void {
  const details: ErrorDetail[] = [];
  let total = 0;
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) {
        total++;
        if (details.length < maxDetails) details.push({ field: path, rule: 'wellFormedText', message: `${path || 'body'} ${problem}` });
      }
    } else if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${path}[${i}]`));
    else if (value !== null && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) {
        const field = path ? `${path}.${k}` : k;
        if (textProblem(k)) {
          total++;
          if (details.length < maxDetails) details.push({ field, rule: 'wellFormedText', message: 'a field name is not well-formed text' });
        }
        visit(v, field);
      }
  };
  visit(body, '');
  if (total > 0)
    throw new DomainError(
      'TEXT_MALFORMED',
      'unprocessable',
      `${total} text value(s) are not well-formed${total > details.length ? ` (the first ${details.length} listed)` : ''}`,
      details,
    );
}
