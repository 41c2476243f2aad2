import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '../../libs/config/src';

/** Routes and models exactly as the gateway loads them, from a routing file's text (written to a temporary file). */
export function loadRoutingYaml(yaml: string): AppConfig {
  const dir = mkdtempSync(join(tmpdir(), 'bench-routing-cfg-'));
  try {
    writeFileSync(join(dir, 'router.yaml'), yaml);
    return loadConfig({ ROUTER_CONFIG: join(dir, 'router.yaml') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
