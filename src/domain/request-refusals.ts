import { DomainError } from './domain-error';

/** Refusals about the shape of a request (headers, route parameters, uploaded files), before any rule of the policy applies. */

/** A fund year named in a request: 2000 to 2100, else VALIDATION_FAILED naming `fundYear`. */
export function assertFundYear(year: number): number {
  if (year < 2000 || year > 2100)
    throw new DomainError('VALIDATION_FAILED', 'unprocessable', 'fund year must be 2000-2100', [
      { field: 'fundYear', rule: 'range', message: String(year) },
    ]);
  return year;
}

const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

/** An `Idempotency-Key` is 8–128 letters, digits or `. _ : -`. */
export function assertIdempotencyKey(key: string): void {
  if (!IDEMPOTENCY_KEY_PATTERN.test(key))
    throw new DomainError('IDEMPOTENCY_KEY_INVALID', 'unprocessable', 'Idempotency-Key must be 8-128 letters, digits or . _ : -', [
      { field: 'Idempotency-Key', rule: 'format', message: key },
    ]);
}

/** What a repeated key means: the same request again may replay its answer once the first has finished. */
export function assertIdempotentReplay(key: string, prior: { requestHash: string; finished: boolean }, requestHash: string): void {
  if (prior.requestHash !== requestHash)
    throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'conflict', 'this Idempotency-Key was used for a different request', [
      { field: 'Idempotency-Key', rule: 'sameRequest', message: key },
    ]);
  if (!prior.finished)
    throw new DomainError(
      'IDEMPOTENT_REQUEST_IN_PROGRESS',
      'conflict',
      'the first request with this Idempotency-Key is still being processed; retry shortly',
      [{ field: 'Idempotency-Key', rule: 'inProgress', message: key }],
    );
}

/** An upload that is not a readable CSV or XLSX table (FILE_UNREADABLE). */
export function unreadableFile(message: string, rule = 'format'): DomainError {
  return new DomainError('FILE_UNREADABLE', 'unprocessable', message, [{ field: 'file', rule, message }]);
}

/** A multipart upload without its file (FILE_REQUIRED). */
export function fileRequired(message: string): DomainError {
  return new DomainError('FILE_REQUIRED', 'unprocessable', message, [{ field: 'file', rule: 'required', message: 'no file' }]);
}
