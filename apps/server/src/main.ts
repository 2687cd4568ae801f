import { buildApp } from './app.js';
import { readEnv } from './env.js';

const app = await buildApp(readEnv());
await app.start();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.log.info('stopping', { signal });
    void app.stop().then(() => process.exit(0));
  });
}
