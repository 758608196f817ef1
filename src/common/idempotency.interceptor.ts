import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { DomainError } from '../domain/domain-error';
import { isDuplicateKey } from './record-errors';
import { currentContext } from './request-context';

const IDEMPOTENT = Symbol('IDEMPOTENT');

/** The POST honours an `Idempotency-Key` header: same key and body → the first answer again. */
export const Idempotent = (): MethodDecorator => SetMetadata(IDEMPOTENT, true);

const KEY_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;
const MAX_CLAIM_ATTEMPTS = 3;

type PriorRequest = { request_hash: string; status_code: number | null; response: string | null };

/**
 * Records each keyed request before running it, so that a retry (same caller, key and body)
 * gets the stored answer, a reused key with another body gets 409, and two copies arriving at
 * once cannot both run: the second is told the first is still in progress.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const key = request.headers['idempotency-key'];
    if (!this.reflector.get<boolean>(IDEMPOTENT, context.getHandler()) || key === undefined) return next.handle();
    return from(this.run(context, request, String(key), next));
  }

  private async run(context: ExecutionContext, request: FastifyRequest, key: string, next: CallHandler): Promise<unknown> {
    if (!KEY_PATTERN.test(key))
      throw new DomainError('IDEMPOTENCY_KEY_INVALID', 'unprocessable', 'Idempotency-Key must be 8-128 letters, digits or . _ : -', [
        { field: 'Idempotency-Key', rule: 'format', message: key },
      ]);
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const actor = currentContext().actor;
    const route = `${request.method} ${request.routeOptions.url ?? request.url}`;
    const hash = createHash('sha256')
      .update(route)
      .update('\u0000')
      .update(JSON.stringify(request.body ?? null))
      .digest('hex');
    const prior = await this.claim(actor, key, route, hash);
    if (prior) {
      if (prior.request_hash !== hash) {
        throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'conflict', 'this Idempotency-Key was used for a different request', [
          { field: 'Idempotency-Key', rule: 'sameRequest', message: key },
        ]);
      }
      if (prior.status_code === null) {
        throw new DomainError(
          'IDEMPOTENT_REQUEST_IN_PROGRESS',
          'conflict',
          'the first request with this Idempotency-Key is still being processed; retry shortly',
          [{ field: 'Idempotency-Key', rule: 'inProgress', message: key }],
        );
      }
      void reply.status(prior.status_code).header('idempotent-replayed', 'true');
      return prior.response === null ? undefined : JSON.parse(prior.response);
    }
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.dataSource.query('UPDATE idempotency_key SET status_code = ?, response = ? WHERE actor = ? AND idem_key = ?', [
        reply.statusCode,
        JSON.stringify(body ?? null),
        actor,
        key,
      ]);
      return body;
    } catch (err) {
      // A refused or failed request may be corrected and sent again under the same key.
      await this.dataSource.query('DELETE FROM idempotency_key WHERE actor = ? AND idem_key = ?', [actor, key]);
      throw err;
    }
  }

  /**
   * Records the key for this request, or returns the request that holds it. A holder that
   * failed releases its key, possibly between our insert and our read: then we try again, and
   * after a few such turns answer as if it were still in progress (the client retries).
   */
  private async claim(actor: string, key: string, route: string, hash: string): Promise<PriorRequest | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.dataSource.query('INSERT INTO idempotency_key (actor, idem_key, route, request_hash) VALUES (?, ?, ?, ?)', [
          actor,
          key,
          route,
          hash,
        ]);
        return null;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const [prior]: PriorRequest[] = await this.dataSource.query(
        'SELECT request_hash, status_code, response FROM idempotency_key WHERE actor = ? AND idem_key = ?',
        [actor, key],
      );
      if (prior) return prior;
      if (attempt === MAX_CLAIM_ATTEMPTS) return { request_hash: hash, status_code: null, response: null };
    }
  }
}
