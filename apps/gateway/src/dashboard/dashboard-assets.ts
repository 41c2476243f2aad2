import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PUBLIC_DIR = join('apps', 'gateway', 'src', 'dashboard', 'public');

export interface Asset {
  body: Buffer;
  contentType: string;
}

/** The page's files by public name; chart.js is served as shipped in node_modules (no build step). */
const FILES: Record<string, { path: () => string; contentType: string }> = {
  'index.html': { path: () => join(publicDir(), 'index.html'), contentType: 'text/html; charset=utf-8' },
  'app.js': { path: () => join(publicDir(), 'app.js'), contentType: 'text/javascript; charset=utf-8' },
  'app.css': { path: () => join(publicDir(), 'app.css'), contentType: 'text/css; charset=utf-8' },
  'chart.umd.js': { path: () => join(dirname(require.resolve('chart.js')), 'chart.umd.js'), contentType: 'text/javascript; charset=utf-8' },
};

let root: string | undefined;

/** The page's source folder, found upwards from here: works from the sources (tests) and from dist/. */
function publicDir(): string {
  if (!root) {
    let dir = __dirname;
    for (;;) {
      if (existsSync(join(dir, PUBLIC_DIR, 'index.html'))) break;
      const parent = dirname(dir);
      if (parent === dir) throw new Error(`dashboard files not found above ${__dirname}`);
      dir = parent;
    }
    root = join(dir, PUBLIC_DIR);
  }
  return root;
}

const cache = new Map<string, Asset>();

/** A dashboard file by its public name, read once; undefined for any other name. */
export function dashboardAsset(name: string): Asset | undefined {
  const file = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
  if (!file) return undefined;
  let asset = cache.get(name);
  if (!asset) {
    asset = { body: readFileSync(file.path()), contentType: file.contentType };
    cache.set(name, asset);
  }
  return asset;
}
