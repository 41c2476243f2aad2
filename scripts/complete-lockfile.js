#!/usr/bin/env node
/**
 * Adds lockfile entries for platform-specific optional dependencies that the registry mirror of this
 * workplace does not serve (macOS/Windows/other-arch binaries of @swc/core, jest's resolver, ...).
 * npm records only what it could resolve, and `npm ci` then refuses the lockfile as "out of sync".
 * The added entries carry the platform constraints (os/cpu/libc) parsed from the package name, so npm
 * skips them on every other platform without fetching; on a platform that needs one, npm fetches it
 * by name and version. Run after any `npm install` that changes the lockfile: `node scripts/complete-lockfile.js`.
 */
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const packages = lock.packages;
const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openbsd', 'netbsd', 'sunos', 'aix', 'openharmony', 'wasm32'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el', 'wasm32'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p)) ?? (parts.includes('gnueabihf') || parts.includes('musleabihf') ? 'arm' : undefined);
  const libc = parts.some((p) => p.startsWith('musl')) ? 'musl' : parts.some((p) => p === 'gnu' || p === 'glibc' || p.startsWith('gnueabi')) ? 'glibc' : undefined;
  return { os, cpu, libc };
}

let added = 0;
for (const [key, entry] of Object.entries(packages)) {
  for (const [dep, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = key === '' ? 'node_modules' : `${key}/node_modules`;
    // Resolution walks up the tree: the dependency may sit at any ancestor's node_modules.
    const candidates = [];
    let dir = key;
    for (;;) {
      candidates.push(`${dir === '' ? '' : `${dir}/`}node_modules/${dep}`);
      const idx = dir.lastIndexOf('/node_modules/');
      if (dir === '') break;
      dir = idx < 0 ? '' : dir.slice(0, idx);
    }
    if (candidates.some((c) => packages[c])) continue;
    const version = String(spec).replace(/^[\^~=]/, '');
    if (!/^\d+\.\d+\.\d+/.test(version)) continue;
    const { os, cpu, libc } = platformOf(dep);
    if (!os && !cpu) continue;
    const target = `node_modules/${dep}`;
    packages[packages[target] ? `${base}/${dep}` : target] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...(os ? { os: [os] } : {}),
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(libc ? { libc: [libc] } : {}),
    };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`complete-lockfile: added ${added} platform entries\n`);
