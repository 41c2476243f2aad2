/** The parts of a V8 sampling heap profile (`HeapProfiler.stopSampling`) that the summary reads. */
export interface SamplingHeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingHeapNode[];
}

export interface HeapSite {
  site: string;
  bytes: number;
}

/** Sampled bytes by allocating function (`name file:line`, paths from `dist/` or `node_modules/` on), largest first. */
export function heapSites(head: SamplingHeapNode): { totalBytes: number; sites: HeapSite[] } {
  const bySite = new Map<string, number>();
  const stack = [head];
  let totalBytes = 0;
  while (stack.length > 0) {
    const node = stack.pop()!;
    stack.push(...node.children);
    if (node.selfSize === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const site = `${functionName || '(anonymous)'} ${url.replace(/.*\/(dist|node_modules)\//, '')}:${lineNumber + 1}`;
    bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    totalBytes += node.selfSize;
  }
  const sites = [...bySite.entries()].map(([site, bytes]) => ({ site, bytes })).sort((a, b) => b.bytes - a.bytes);
  return { totalBytes, sites };
}

export interface GcPauses {
  scavenges: number[];
  markCompacts: number[];
}

/** Pause times (ms) of the collections in `--trace-gc` output. */
export function gcPauses(traceGc: string): GcPauses {
  const pauses: GcPauses = { scavenges: [], markCompacts: [] };
  for (const line of traceGc.split('\n')) {
    const m = /: (Scavenge|Mark-Compact)\b.*? MB, ([\d.]+) \//.exec(line);
    if (!m) continue;
    (m[1] === 'Scavenge' ? pauses.scavenges : pauses.markCompacts).push(Number(m[2]));
  }
  return pauses;
}
