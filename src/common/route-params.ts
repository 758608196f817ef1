import { ArgumentMetadata, Injectable, ParseIntPipe, PipeTransform } from '@nestjs/common';
import { DomainError } from '../domain/domain-error';

/** A fund year named in a request: 2000 to 2100, else 422 naming `fundYear`. */
export function fundYearParam(year: number): number {
  if (year < 2000 || year > 2100)
    throw new DomainError('VALIDATION_FAILED', 'unprocessable', 'fund year must be 2000-2100', [
      { field: 'fundYear', rule: 'range', message: String(year) },
    ]);
  return year;
}

/** `@Param('fundYear', FundYearPipe)`: a whole number (else 400, as `ParseIntPipe`) that is a fund year (else 422). */
@Injectable()
export class FundYearPipe implements PipeTransform<string, Promise<number>> {
  private readonly integer = new ParseIntPipe();

  async transform(value: string, metadata: ArgumentMetadata): Promise<number> {
    return fundYearParam(await this.integer.transform(value, metadata));
  }
}

/** Only the fields a request body names: a field left out keeps its saved value. */
export function fieldsGiven<T extends object>(dto: T): Partial<T> {
  return Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)) as Partial<T>;
}
