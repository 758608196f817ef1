import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { QUEUES } from './jobs';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/** Who holds a bearer token: its roles, or a throw when the token is not valid. */
export type BearerAuthenticator = (token: string) => Promise<{ roles: readonly string[] }>;

/**
 * Bull Board over every queue, for ADMIN users only: the same bearer credentials as the API
 * (an access token or API token of a user with the ADMIN role), checked before any of its
 * routes; anyone else gets 401 or 403. It is read-only: retrying, promoting or removing jobs
 * would change work outside the audited API (the outbox sweeper resumes failed work by itself).
 */
export async function mountQueueDashboard(app: NestFastifyApplication, authenticate: BearerAuthenticator): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: Object.values(QUEUES).map(
      (name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name), { strict: false }), { readOnlyMode: true }),
    ),
    serverAdapter,
  });
  const refuse = (reply: FastifyReply, status: number, code: string, message: string) =>
    reply.code(status).header('content-type', 'application/json').send({ statusCode: status, code, message });
  await app.register(async (scope: FastifyInstance) => {
    scope.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const header = req.headers.authorization ?? '';
      const bearer = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
      if (!bearer) return refuse(reply, 401, 'UNAUTHENTICATED', 'the queue dashboard needs Authorization: Bearer <token of an ADMIN user>');
      try {
        const caller = await authenticate(bearer);
        if (!caller.roles.includes('ADMIN')) return refuse(reply, 403, 'FORBIDDEN', 'the queue dashboard is for administrators only');
      } catch {
        return refuse(reply, 401, 'UNAUTHENTICATED', 'the access token is invalid or expired');
      }
    });
    await scope.register(serverAdapter.registerPlugin() as never, { prefix: QUEUE_DASHBOARD_PATH });
  });
}
