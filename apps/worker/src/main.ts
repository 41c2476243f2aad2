import { loadConfigOrExit } from '../../../libs/config/src';
import { startWorker } from './worker';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
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
