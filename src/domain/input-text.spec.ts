import fc from 'fast-check';
import { DomainError } from './domain-error';
import { assertWellFormedText, jsonDepth, MAX_JSON_DEPTH, mayHoldMalformedText, textProblem } from './input-text';

describe('jsonDepth', () => {
  it('counts objects and arrays, not brackets inside strings', () => {
    expect(jsonDepth('{}')).toBe(1);
    expect(jsonDepth('{"a":[{"b":1}]}')).toBe(3);
    expect(jsonDepth('{"a":"{{{[[["}')).toBe(1);
    expect(jsonDepth('{"a":"\\"{{"}')).toBe(1);
    expect(jsonDepth('12')).toBe(0);
  });

  it('stops counting past the limit, so a deep body costs one short pass', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(jsonDepth(deep, MAX_JSON_DEPTH)).toBe(MAX_JSON_DEPTH + 1);
  });

  it('property: equals the depth of the parsed value', () => {
    const depthOf = (v: unknown): number =>
      v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v as object).map(depthOf)) : 0;
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 8 }), (v) => expect(jsonDepth(JSON.stringify(v))).toBe(depthOf(v))));
  });
});

describe('well-formed text', () => {
  it('refuses lone surrogates and control characters, allows tabs and lines', () => {
    expect(textProblem('南诏镇卫生院 😀')).toBeNull();
    expect(textProblem('第一行\n\t第二行\r\n')).toBeNull();
    expect(textProblem('\ud800')).toMatch(/surrogate/);
    expect(textProblem('x\udfff')).toMatch(/surrogate/);
    expect(textProblem('a\u0000b')).toMatch(/control/);
    expect(textProblem('a\u0007b')).toMatch(/control/);
    expect(textProblem('a\u009fb')).toMatch(/control/);
  });

  it('names each bad field by its path, and caps the list with the total', () => {
    let error: DomainError | undefined;
    try {
      assertWellFormedText({ reason: 'ok', records: [{ note: 'a\u0000' }, { note: '\ud800' }] });
    } catch (e) {
      error = e as DomainError;
    }
    expect(error?.code).toBe('TEXT_MALFORMED');
    expect(error?.kind).toBe('unprocessable');
    expect(error?.details.map((d) => d.field)).toEqual(['records[0].note', 'records[1].note']);
    try {
      assertWellFormedText({ list: Array.from({ length: 100 }, () => '\u0001') }, 20);
    } catch (e) {
      error = e as DomainError;
    }
    expect(error?.details).toHaveLength(20);
    expect(error?.message).toBe('100 text value(s) are not well-formed (the first 20 listed)');
  });
});

describe('the one-scan prefilter', () => {
  it('finds escaped controls and lone surrogates, and raw DEL and C1 controls', () => {
    expect(mayHoldMalformedText(JSON.stringify({ a: 'plain 南诏 😀' }))).toBe(false);
    expect(mayHoldMalformedText(JSON.stringify({ a: 'a\u0000' }))).toBe(true);
    expect(mayHoldMalformedText(JSON.stringify({ a: '\ud800' }))).toBe(true);
    expect(mayHoldMalformedText('{"a":"x\u007fy"}')).toBe(true);
    // JSON.stringify writes backspace and form feed as short escapes (found by the property below, seed 1419680110).
    expect(mayHoldMalformedText(JSON.stringify({ a: 'x\by' }))).toBe(true);
    expect(mayHoldMalformedText(JSON.stringify({ a: 'x\fy' }))).toBe(true);
  });

  it('property: when the prefilter finds nothing, the walk finds nothing either', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.string({ unit: 'binary' }), (v, text) => {
        for (const value of [v, { text }, [text, v]]) {
          const json = JSON.stringify(value);
          if (!mayHoldMalformedText(json)) expect(() => assertWellFormedText(JSON.parse(json))).not.toThrow();
        }
      }),
    );
  });
});
