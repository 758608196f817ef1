import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ErrorDetail } from '../domain/domain-error';
import { InputValidationError } from './api-error';

/** Flattens class-validator's tree into `{field, rule, message}` rows with dotted paths. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    for (const [rule, message] of Object.entries(e.constraints ?? {})) {
      out.push({ field, rule: rule === 'whitelistValidation' ? 'unknownField' : rule, message });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

/** Global input validation: known fields only, types converted explicitly by DTOs, every error listed. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => new InputValidationError(flattenValidationErrors(errors)),
  });
}

/** The query of a route that takes no parameters: any parameter sent is refused (400 naming it), never ignored. */
export class NoQuery {}
