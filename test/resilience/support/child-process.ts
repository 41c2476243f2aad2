import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const REGISTER = join(__dirname, 'register-ts.js');

export interface Child {
  process: ChildProcess;
  /** Everything written to stdout so far. */
  output(): string;
  /** Resolves with the first stdout JSON line whose `msg` is `msg`. */
  waitFor(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs one of the apps (`apps/worker/src/main.ts`, `apps/gateway/src/main.ts`) as a real process. */
export function startApp(entry: string, env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['-r', REGISTER, join(ROOT, entry)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    process: child,
    output: () => stdout,
    exited,
    async waitFor(msg, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (const line of stdout.split('\n')) {
          if (!line.startsWith('{')) continue;
          try {
            const parsed = JSON.parse(line) as Record<string, unknown>;
            if (parsed.msg === msg) return parsed;
          } catch {
            /* a partial line */
          }
        }
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`${entry} did not log "${msg}" (exit ${child.exitCode}): ${stderr.slice(-2000)}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
