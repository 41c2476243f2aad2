import { ConfigError, loadConfig } from '../../../libs/config/src';
import { startWorker } from './worker';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const worker = await startWorker(config);
  process.stdout.write(`${JSON.stringify({ level: 'info', msg: 'worker started', concurrency: config.workerConcurrency })}\n`);
  const stop = () => {
    worker.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: Error) => {
  process.stderr.write(`worker failed to start: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
