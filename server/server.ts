/** Listens, and shuts down gracefully on SIGTERM/SIGINT (sockets closed with 1001). */
import { buildApp } from './app.js';
import type { Config } from './config.js';

/** How long a graceful shutdown may take before the process exits anyway. */
export const SHUTDOWN_BOUND_MS = 10_000;

/** Starts the server; resolves with the exit code once it has shut down. */
export async function serve(config: Config): Promise<number> {
  const app = await buildApp(config);
  await app.listen({ host: config.host, port: config.port });
  const mode = app.pipeline.mode === 'embedded' ? 'embedded mode (no REDIS_URL): demo data, nothing is kept' : 'Redis mode';
  app.log.info(`keywatch: serving the dashboard at ${config.publicOrigin} — ${mode}`);
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      app.log.info({ signal }, 'shutting down');
      const forced = setTimeout(() => resolve(1), SHUTDOWN_BOUND_MS);
      forced.unref();
      app.close().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
