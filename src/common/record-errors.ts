import { DomainError } from '../domain/domain-error';

/** The refusals every module raises about records, in one shape each. */

export function notFound(what: string, code: string): DomainError {
  return new DomainError(`${what.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_NOT_FOUND`, 'not_found', `${what} ${code} does not exist`);
}

/** Optimistic locking: the change was based on a version that is no longer current. */
export function staleVersion(current: number): DomainError {
  return new DomainError('STALE_VERSION', 'conflict', `the record changed; current version is ${current}; reload it and try again`, [
    { field: 'version', rule: 'current', message: `current version is ${current}` },
  ]);
}

/** A record named in the body lies outside what the caller's institution may act on. */
export function outOfScope(field: string, what: string): DomainError {
  return new DomainError('OUT_OF_SCOPE', 'forbidden', `${what} is outside what you may act on`, [
    { field, rule: 'scope', message: `${what} is outside your scope` },
  ]);
}

/** MySQL/MariaDB duplicate-key error (a concurrent insert of the same business key). */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === 'ER_DUP_ENTRY';
}

/** InnoDB deadlock (1213) or lock wait timeout (1205): the transaction was rolled back and may simply run again. */
export function isRetryableLockError(err: unknown): boolean {
  const errno =
    (err as { errno?: number; driverError?: { errno?: number } }).errno ?? (err as { driverError?: { errno?: number } }).driverError?.errno;
  return errno === 1213 || errno === 1205;
}
