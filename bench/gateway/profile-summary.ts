/** Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time by function and by component. */
export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
  /** Microseconds on CLOCK_MONOTONIC, the clock of `process.hrtime.bigint()`. */
  startTime?: number;
}

export interface ProfileRow {
  name: string;
  component: string;
  ms: number;
  share: number;
}

const PACKAGE_COMPONENTS: Array<[RegExp, string]> = [
  [/^@nestjs\//, 'Nest'],
  [/^(fastify|@fastify\/|find-my-way|avvio|fast-json-stringify|secure-json-parse|light-my-request|toad-cache|fast-querystring)/, 'Fastify'],
  [/^zod$/, 'zod'],
  [/^(kysely|pg|pg-protocol|pg-pool|pg-types|pgpass|postgres-)/, 'Kysely/pg'],
  [/^(bullmq|ioredis|msgpackr|cron-parser|@ioredis)/, 'BullMQ/ioredis'],
  [/^undici$/, 'undici'],
  [/^(rxjs|reflect-metadata)$/, 'Nest'],
  [/^(pino|nestjs-pino|pino-http)/, 'pino'],
];

/** Which part of the stack a frame belongs to, from its script URL. */
export function componentOf(url: string, functionName: string): string {
  if (url === '') {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8/native (program)';
    return 'V8 builtins (JSON, RegExp, ...)';
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) {
    for (const [pattern, component] of PACKAGE_COMPONENTS) if (pattern.test(pkg[1])) return component;
    return `npm ${pkg[1]}`;
  }
  if (url.startsWith('node:')) {
    if (/_http_|node:http/.test(url)) return 'Node http';
    if (/streams|stream/.test(url)) return 'Node streams';
    if (/net|dns|tcp/.test(url)) return 'Node net';
    return 'Node core';
  }
  const own = /\/(apps\/[^/]+|libs\/[^/]+|bench\/[^/]+)\//.exec(url);
  if (own) {
    if (own[1] === 'libs/router') return 'bandit (libs/router)';
    return own[1];
  }
  return 'other';
}

function frameName(node: CpuProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, '').replace(/^file:\/\//, '');
  return `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
}

/**
 * Self time per function (top `limit`) and per component, in ms, idle excluded from the shares.
 * Samples taken before `fromUs` (monotonic microseconds, e.g. start-up) are left out.
 */
export function summariseProfile(profile: CpuProfile, limit = 25, fromUs = 0): { total: number; functions: ProfileRow[]; components: ProfileRow[]; inclusive: ProfileRow[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfById = new Map<number, number>();
  let at = profile.startTime ?? 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= fromUs) selfById.set(id, (selfById.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });

  const functions = new Map<string, ProfileRow>();
  const components = new Map<string, ProfileRow>();
  let total = 0;
  for (const [id, ms] of selfById) {
    const node = byId.get(id)!;
    const component = componentOf(node.callFrame.url, node.callFrame.functionName);
    if (component === 'idle') continue;
    total += ms;
    const name = frameName(node);
    const f = functions.get(name) ?? { name, component, ms: 0, share: 0 };
    f.ms += ms;
    functions.set(name, f);
    const c = components.get(component) ?? { name: component, component, ms: 0, share: 0 };
    c.ms += ms;
    components.set(component, c);
  }
  // Inclusive time of the project's own functions: each sample counts once per function on its stack.
  const inclusive = new Map<string, ProfileRow>();
  for (const [id, ms] of selfById) {
    if (componentOf(byId.get(id)!.callFrame.url, byId.get(id)!.callFrame.functionName) === 'idle') continue;
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur)!;
      const component = componentOf(node.callFrame.url, node.callFrame.functionName);
      if (!/^(apps|libs|bandit)/.test(component)) continue;
      const name = frameName(node);
      if (seen.has(name)) continue;
      seen.add(name);
      const row = inclusive.get(name) ?? { name, component, ms: 0, share: 0 };
      row.ms += ms;
      inclusive.set(name, row);
    }
  }
  const ranked = (rows: Iterable<ProfileRow>) =>
    [...rows].map((r) => ({ ...r, share: total > 0 ? r.ms / total : 0 })).sort((a, b) => b.ms - a.ms);
  return { total, functions: ranked(functions.values()).slice(0, limit), components: ranked(components.values()), inclusive: ranked(inclusive.values()).slice(0, limit) };
}
