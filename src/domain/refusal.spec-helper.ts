import { DomainError } from './domain-error';

/** Runs `f`, which must refuse with a DomainError, and returns that error for inspection (tests only). */
export function refusal(f: () => unknown): DomainError {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError, but nothing was thrown');
}
