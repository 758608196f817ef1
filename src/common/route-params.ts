import { ArgumentMetadata, Injectable, ParseIntPipe, PipeTransform } from '@nestjs/common';
import { assertFundYear } from '../domain/request-refusals';

/** A fund year named in a request: 2000 to 2100, else 422 naming `fundYear`. */
export function fundYearParam(year: number): number {
  return assertFundYear(year);
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
