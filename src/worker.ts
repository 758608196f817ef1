import 'reflect-metadata';
import { createWorkerApp } from './app.factory';
import { loadConfig } from './config/app-config';
import { assertDependenciesReachable } from './modules/health';

/** The BullMQ worker: no HTTP. SIGTERM lets active jobs finish, then closes queues and connections. */
async function bootstrap(): Promise<void> {
  const config = loadConfig();
  await assertDependenciesReachable(config);
  await createWorkerApp(config);
  console.log(`worker: consuming queues with prefix "${config.queue.prefix}"`);
}

bootstrap().catch((err: unknown) => {
  console.error(`worker: cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
