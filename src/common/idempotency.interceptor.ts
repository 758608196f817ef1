import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, Observable } from 'rxjs';
import { assertIdempotencyKey, assertIdempotentReplay } from '../domain/request-refusals';
import { IdempotencyRepository, PriorRequest } from './idempotency.repository';
import { isDuplicateKey } from './record-errors';
import { currentContext } from './request-context';

const IDEMPOTENT = Symbol('IDEMPOTENT');

/** The POST honours an `Idempotency-Key` header: same key and body → the first answer again. */
export const Idempotent = (): MethodDecorator => SetMetadata(IDEMPOTENT, true);

const MAX_CLAIM_ATTEMPTS = 3;

/**
 * Records each keyed request before running it, so that a retry (same caller, key and body)
 * gets the stored answer, a reused key with another body gets 409, and two copies arriving at
 * once cannot both run: the second is told the first is still in progress.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: IdempotencyRepository,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const key = request.headers['idempotency-key'];
    if (!this.reflector.get<boolean>(IDEMPOTENT, context.getHandler()) || key === undefined) return next.handle();
    return from(this.run(context, request, String(key), next));
  }

  private async run(context: ExecutionContext, request: FastifyRequest, key: string, next: CallHandler): Promise<unknown> {
    assertIdempotencyKey(key);
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
      assertIdempotentReplay(key, { requestHash: prior.requestHash, finished: prior.statusCode !== null }, hash);
      void reply.status(prior.statusCode!).header('idempotent-replayed', 'true');
      return prior.response === null ? undefined : JSON.parse(prior.response);
    }
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.keys.complete(actor, key, reply.statusCode, JSON.stringify(body ?? null));
      return body;
    } catch (err) {
      // A refused or failed request may be corrected and sent again under the same key.
      await this.keys.release(actor, key);
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
        await this.keys.insert(actor, key, route, hash);
        return null;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const prior = await this.keys.find(actor, key);
      if (prior) return prior;
      if (attempt === MAX_CLAIM_ATTEMPTS) return { requestHash: hash, statusCode: null, response: null };
    }
  }
}
