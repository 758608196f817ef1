import 'reflect-metadata';
import { createApiApp } from './app.factory';
import { loadConfig } from './config/app-config';
import { assertDependenciesReachable } from './modules/health';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  await assertDependenciesReachable(config);
  const app = await createApiApp(config);
  await app.listen({ port: config.http.port, host: config.http.host });
  console.log(`api: listening on ${config.http.publicUrl} (docs at ${config.http.publicUrl}/${config.http.swaggerPath})`);
}

bootstrap().catch((err: unknown) => {
  console.error(`api: cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
