import { Injectable, NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestIdOf, runInContext } from './request-context';

/**
 * Opens the request context. Until sign-in exists every caller is `anonymous`; the
 * authentication layer replaces actor and institution from the verified token.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    runInContext({ requestId: requestIdOf(req, res), actor: 'anonymous', actorInstitution: null, ip: req.socket.remoteAddress }, next);
  }
}
