/**
 * What kind of refusal a policy rule makes; the HTTP layer maps each kind to one status
 * (422, 409, 404, 403, 401, 429, 413) in a single place, so policy code never speaks HTTP.
 */
export type DomainErrorKind =
  'unprocessable' | 'conflict' | 'not_found' | 'forbidden' | 'unauthenticated' | 'too_many_requests' | 'too_large';

export interface ErrorDetail {
  /** Dotted path of the offending input field, or '' when the rule spans the whole request. */
  field: string;
  /** Machine-readable rule name, e.g. `parentMustBeTownship`. */
  rule: string;
  message: string;
  /** Row number in an upload (1-based data rows, header excluded). */
  row?: number;
}

/** A refusal by a business rule, with a stable code such as `PRIMARY_FLOOR_NOT_MET`. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: DomainErrorKind,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
