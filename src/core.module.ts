import { DynamicModule, Global, Module, RequestMethod } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { buildDataSourceOptions } from './database/data-source';
import { BusinessClock } from './common/business-clock';
import { FastFailRedis } from './common/fast-fail-redis';
import { InsuredIdHasher } from './common/record-hashing';
import { RoleChangeEvents } from './common/role-change-events';
import { DeadlineWatchEvents } from './common/deadline-watch-events';
import { InboxContributions } from './common/inbox-contributions';
import { ServiceMetrics } from './common/service-metrics';
import { DatabasePoolMetrics } from './database/pool-metrics';
import { requestIdOf } from './common/request-context';
import { AuditModule } from './modules/audit';
import { QueueModule } from './queue/queue.module';

/** The services every module may use. */
const SHARED = [FastFailRedis, BusinessClock, InsuredIdHasher, RoleChangeEvents, DeadlineWatchEvents, InboxContributions, ServiceMetrics];

/** What both the API and the worker need: configuration, logging, MySQL, Redis queues, audit. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        LoggerModule.forRoot({
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: {
            level: config.log.level,
            genReqId: (req: IncomingMessage, res: ServerResponse) => requestIdOf(req, res),
            quietReqLogger: true,
            customAttributeKeys: { reqId: 'requestId' },
            autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health/') },
            // Credentials never reach the logs; personal identifiers are never logged in the first place.
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]'],
              censor: '[redacted]',
            },
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            transport: config.log.pretty ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
          },
        }),
        TypeOrmModule.forRoot({ ...buildDataSourceOptions(config.db), retryAttempts: 0 }),
        QueueModule,
        AuditModule,
      ],
      providers: [{ provide: APP_CONFIG, useValue: config }, ...SHARED, DatabasePoolMetrics],
      exports: [APP_CONFIG, ...SHARED],
    };
  }
}
