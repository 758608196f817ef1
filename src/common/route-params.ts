import { DomainError } from '../domain/domain-error';

/** A fund year named in a route: 2000 to 2100, else 422 naming `fundYear`. */
export function fundYearParam(year: number): number {
  if (year < 2000 || year > 2100) throw new DomainError('VALIDATION_FAILED', 'unprocessable', 'fund year must be 2000-2100', [{ field: 'fundYear', rule: 'range', message: String(year) }]);
  return year;
}
