import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './load-config';
import { shutdownWarnings } from './shutdown-warnings';

function configFile(yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'shutdown-')), 'router.yaml');
  writeFileSync(path, yaml);
  return path;
}

const yaml = `
providers:
  - { id: anthropic, preset: anthropic }
  - { id: gemini, preset: gemini }
models:
  - { id: old-haiku, catalog: claude-3-5-haiku }
  - { id: proxied-haiku, catalog: claude-3-5-haiku, upstream: my-own-haiku }
  - { id: haiku, catalog: claude-haiku-5-5 }
  - { id: flash, catalog: gemini-2.0-flash }
routes:
  - { name: cheap, candidates: [old-haiku, haiku] }
`;

describe('model shutdown dates', () => {
  const config = loadConfig({ ANTHROPIC_API_KEY: 'a', GEMINI_API_KEY: 'g', ROUTER_CONFIG: configFile(yaml) });

  it('come from the catalog while the model calls the catalog upstream', () => {
    expect(config.models.get('old-haiku')?.shutdownDate).toBe('2026-02-19');
    expect(config.models.get('flash')?.shutdownDate).toBe('2026-06-01');
    expect(config.models.get('proxied-haiku')?.shutdownDate).toBeUndefined();
    expect(config.models.get('haiku')?.shutdownDate).toBeUndefined();
  });

  it('are warned about once passed, naming the routes that still use the model', () => {
    expect(shutdownWarnings(config, '2026-12-06')).toEqual([
      'model "old-haiku" (candidate of route "cheap"): its provider lists 2026-02-19 as the shutdown date of claude-3-5-haiku-20241022, passed; requests to it fail from then on. Pick a current catalog model (docs/providers.md).',
      'model "flash": its provider lists 2026-06-01 as the shutdown date of gemini-2.0-flash, passed; requests to it fail from then on. Pick a current catalog model (docs/providers.md).',
    ]);
  });

  it('are warned about within 30 days ahead, not earlier', () => {
    expect(shutdownWarnings(config, '2026-01-20')).toHaveLength(1);
    expect(shutdownWarnings(config, '2026-01-20')[0]).toMatch(/^model "old-haiku" .*2026-02-19 as the shutdown date of claude-3-5-haiku-20241022; requests/);
    expect(shutdownWarnings(config, '2026-01-19')).toEqual([]);
  });
});
