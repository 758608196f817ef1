import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError } from '../domain/domain-error';
import { isRetryableLockError } from './record-errors';
import { ApiErrorBody, InputValidationError, STATUS_OF_KIND } from './api-error';
import { currentContext } from './request-context';

const CODE_OF_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'TOO_MANY_REQUESTS',
};

/** Seconds a throttled client waits: the rate limits count per minute. */
export const RETRY_AFTER_SECONDS = 60;
/** At most this many details in an error answer (the total is said in the message), each at most this long. */
export const MAX_ERROR_DETAILS = 100;
export const MAX_ERROR_TEXT = 300;

function clip(text: string, max = MAX_ERROR_TEXT): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}

/** Keeps an error answer small whatever the input was: a bad value is never echoed at length, row errors are capped. */
export function boundErrorBody(body: ApiErrorBody): ApiErrorBody {
  const details = body.details.slice(0, MAX_ERROR_DETAILS).map((d) => ({
    ...d,
    field: clip(d.field, 120),
    rule: clip(d.rule, 60),
    message: clip(d.message),
  }));
  const more = body.details.length - details.length;
  const message = clip(body.message, 1000) + (more > 0 ? ` (${body.details.length} problems; the first ${details.length} listed)` : '');
  return { ...body, message, details };
}

/** Turns every error into the one body shape; unexpected errors are logged and answered 500 without internals. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = boundErrorBody(this.toBody(exception));
    if (body.statusCode >= 500) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    // A throttled client is told when to come back: the limits count per minute.
    if (body.statusCode === 429 && !reply.getHeader('retry-after')) void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  toBody(exception: unknown): ApiErrorBody {
    const requestId = currentContext().requestId;
    if (exception instanceof DomainError) {
      return {
        statusCode: STATUS_OF_KIND[exception.kind],
        code: exception.code,
        message: exception.message,
        details: exception.details,
        requestId,
      };
    }
    if (exception instanceof InputValidationError) {
      return { statusCode: 400, code: 'VALIDATION_FAILED', message: exception.message, details: exception.details, requestId };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? exception.message);
      const code = status === 400 && /JSON/i.test(message) ? 'MALFORMED_JSON' : (CODE_OF_STATUS[status] ?? `HTTP_${status}`);
      const details = status === 404 || status >= 500 ? [] : [{ field: '', rule: code, message }];
      return { statusCode: status, code, message, details, requestId };
    }
    if (isRetryableLockError(exception)) {
      return {
        statusCode: 409,
        code: 'CONCURRENT_UPDATE',
        message: 'another change to the same records was in progress; retry the request',
        details: [{ field: '', rule: 'retry', message: 'lock conflict' }],
        requestId,
      };
    }
    // Fastify's own errors (body too large, malformed JSON, bad content type) carry statusCode and code.
    const fastifyError = exception as { statusCode?: unknown; code?: unknown; message?: unknown };
    if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      const status = fastifyError.statusCode;
      // Our own body parsers name their refusal (MALFORMED_JSON, JSON_TOO_DEEP, …); Fastify's codes start with FST_.
      const own = typeof fastifyError.code === 'string' && /^[A-Z][A-Z_]+$/.test(fastifyError.code) ? fastifyError.code : null;
      const code =
        own ??
        (status === 413
          ? 'PAYLOAD_TOO_LARGE'
          : status === 415
            ? 'UNSUPPORTED_MEDIA_TYPE'
            : status === 400
              ? 'MALFORMED_REQUEST'
              : (CODE_OF_STATUS[status] ?? `HTTP_${status}`));
      return {
        statusCode: status,
        code,
        message: String(fastifyError.message ?? 'bad request'),
        details: [{ field: '', rule: String(fastifyError.code ?? code), message: String(fastifyError.message ?? '') }],
        requestId,
      };
    }
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      code: 'INTERNAL_ERROR',
      message: 'internal error; quote the request id to the operators',
      details: [],
      requestId,
    };
  }
}
