import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Caller } from './caller';

/** Who is acting and under which request id; read by the audit trail and error bodies. */
export interface RequestContext {
  requestId: string;
  actor: string;
  actorInstitution: string | null;
  /** Set by the access guard once the bearer token is verified. */
  caller?: Caller;
  /** Client address, for per-address limits on anonymous routes. */
  ip?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

const REQUEST_ID = Symbol('requestId');

/**
 * The request id: the caller's `X-Request-Id` when well-formed, otherwise a new UUID. Fastify,
 * the HTTP log and the request context all ask this function, so they agree on one id.
 */
export function requestIdOf(req: IncomingMessage & { [REQUEST_ID]?: string }, res?: ServerResponse): string {
  let id = req[REQUEST_ID];
  if (!id) {
    const given = req.headers['x-request-id'];
    id = typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
    req[REQUEST_ID] = id;
  }
  if (res && !res.headersSent && !res.hasHeader('x-request-id')) res.setHeader('x-request-id', id);
  return id;
}

export function runInContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The verified caller of the current request; throws where a route forgot `@Access`. */
export function currentCaller(): Caller {
  const caller = storage.getStore()?.caller;
  if (!caller) throw new Error('no authenticated caller in this context');
  return caller;
}

/** Context of the current request or job; a system context outside of both. */
export function currentContext(): RequestContext {
  return storage.getStore() ?? { requestId: 'system', actor: 'system', actorInstitution: null };
}
