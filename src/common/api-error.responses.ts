import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ErrorDetail } from '../domain/domain-error';
import type { ApiErrorBody } from './api-error';

export class ErrorDetailResponse implements ErrorDetail {
  @ApiProperty({ description: 'dotted path of the input field, or empty when the rule spans the request' }) field!: string;
  @ApiProperty({ example: 'isIn' }) rule!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ description: 'data row of an uploaded file (1 = the first row under the header)' }) row?: number;
}

/** The one error body of every 4xx/5xx answer, as the OpenAPI document describes it. */
export class ApiErrorResponse implements ApiErrorBody {
  @ApiProperty({ example: 422 }) statusCode!: number;
  @ApiProperty({ example: 'VALIDATION_FAILED' }) code!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ type: [ErrorDetailResponse] }) details!: ErrorDetailResponse[];
  @ApiProperty() requestId!: string;
}
