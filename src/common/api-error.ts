import { HttpStatus } from '@nestjs/common';
import { DomainErrorKind, ErrorDetail } from '../domain/domain-error';

/** The one error body every 4xx/5xx answer has. */
export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details: ErrorDetail[];
  requestId: string;
}

/** The single mapping from a policy refusal to an HTTP status. */
export const STATUS_OF_KIND: Record<DomainErrorKind, HttpStatus> = {
  unprocessable: HttpStatus.UNPROCESSABLE_ENTITY,
  conflict: HttpStatus.CONFLICT,
  not_found: HttpStatus.NOT_FOUND,
  forbidden: HttpStatus.FORBIDDEN,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  too_many_requests: HttpStatus.TOO_MANY_REQUESTS,
  too_large: HttpStatus.PAYLOAD_TOO_LARGE,
};

/** Input that fails shape validation (types, unknown fields, lengths): 400 with field details. */
export class InputValidationError extends Error {
  constructor(readonly details: ErrorDetail[]) {
    super(`${details.length} invalid field(s): ${details.map((d) => d.field).join(', ')}`);
  }
}
