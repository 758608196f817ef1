import type { IncomingMessage } from 'node:http';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { mountQueueDashboard, QUEUE_DASHBOARD_PATH } from './queue/queue-dashboard';
import { registerWebConsole } from './common/web-console';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { requestIdOf } from './common/request-context';
import { createValidationPipe } from './common/validation';
import { ServiceMetrics } from './common/service-metrics';
import { registerBodyParsers } from './common/request-body';
import { WorkerModule } from './worker.module';
import { AuthService, RouteAccess, routeAccessInventory } from './modules/access';

export const API_PREFIX = 'api/v1';
const UNPREFIXED = ['health/live', 'health/ready', 'metrics'];

/**
 * The OpenAPI document without a database, Redis or a listening server: Nest's preview mode
 * builds the module graph without instantiating providers, which is all the document needs.
 */
export async function describeApi(config: AppConfig): Promise<OpenAPIObject> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED });
  try {
    return openApiDocument(app);
  } finally {
    await app.close();
  }
}

/** Builds the HTTP API exactly as production runs it; tests use the same function. */
export async function createApiApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: true,
    genReqId: (req: IncomingMessage) => requestIdOf(req),
  });
  // Every route Fastify serves, as registered: the authorization tests enumerate these.
  const routes: RegisteredRoute[] = [];
  adapter.getInstance().addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    abortOnError: false,
    // Bodies are read by our own parsers (src/common/request-body.ts), not Nest's defaults.
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();

  // UTF-8 JSON, bounded in depth and well-formed, and multipart on upload routes: nothing else is read.
  registerBodyParsers(app.getHttpAdapter().getInstance(), config.http.bodyLimitBytes);
  // Answers carry data of named people and institutions: no cache keeps them.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (_request, reply, payload) => {
      if (!reply.getHeader('cache-control')) void reply.header('cache-control', 'no-store');
      return payload;
    });
  // Request durations by route pattern (never the raw URL) and status: one histogram observation per answer.
  const metrics = app.get(ServiceMetrics);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      metrics.observeRequest(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime);
      done();
    });
  await app.register(helmet as never, {
    // Swagger UI at /docs needs inline styles and scripts; everything else is JSON.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  await app.register(multipart as never, { limits: { fileSize: config.http.bodyLimitBytes, files: 1, fields: 5, parts: 6 } });

  app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED });
  app.useGlobalPipes(createValidationPipe());
  // Nest routes Fastify's own errors (malformed JSON, body too large) through this filter as well.
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableCors(config.http.corsOrigins.length ? { origin: config.http.corsOrigins } : { origin: false });

  SwaggerModule.setup(config.http.swaggerPath, app, openApiDocument(app), { jsonDocumentUrl: `${config.http.swaggerPath}/openapi.json` });
  await registerWebConsole(app.getHttpAdapter().getInstance(), config.http.webRoot, [
    `/${API_PREFIX.split('/')[0]}`,
    '/health',
    `/${config.http.swaggerPath}`,
    QUEUE_DASHBOARD_PATH,
    '/metrics',
  ]);
  const auth = app.get(AuthService);
  await mountQueueDashboard(app, (token) => auth.authenticate(token));
  await app.init();
  await assertSchemaCurrent(app);
  REGISTERED_ROUTES.set(app, routes);
  return app;
}

/** The OpenAPI document of every route (also written by `npm run openapi` for the web console's typed client). */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Capitation budget manager (医共体医保打包付费)')
      .setDescription('County medical-community capitation: fund year, allocation, monthly claims, disbursement and year-end settlement.')
      .setVersion('v1')
      .addBearerAuth()
      .build(),
  );
}

export interface RegisteredRoute {
  method: string;
  url: string;
}
const REGISTERED_ROUTES = new WeakMap<INestApplicationContext, RegisteredRoute[]>();

/** The routes the HTTP server actually serves (from Fastify's router, not a hand-kept list). */
export function registeredRoutes(app: INestApplicationContext): RegisteredRoute[] {
  return REGISTERED_ROUTES.get(app) ?? [];
}

/** Every controller route with its declared access rule. */
export function routeAccess(app: INestApplicationContext): RouteAccess[] {
  return routeAccessInventory(app, API_PREFIX, (path) => UNPREFIXED.includes(path.slice(1)));
}

/** Builds the worker (no HTTP); it starts consuming once `init()` resolves. */
export async function createWorkerApp(config: AppConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  await assertSchemaCurrent(app);
  return app;
}

async function assertSchemaCurrent(app: INestApplicationContext): Promise<void> {
  if (await app.get(DataSource).showMigrations()) {
    await app.close();
    throw new Error('the database schema is behind the code: run `npm run migration:run` first');
  }
}
