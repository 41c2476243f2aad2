import { gcPauses, heapSites, type SamplingHeapNode } from './heap-sites';

const node = (functionName: string, url: string, selfSize: number, children: SamplingHeapNode[] = []): SamplingHeapNode => ({ callFrame: { functionName, url, lineNumber: 9 }, selfSize, children });

describe('heapSites', () => {
  it('adds up the self sizes of each function wherever it was called from, largest first', () => {
    const head = node('(root)', '', 0, [
      node('handle', 'file:///work/main/dist/apps/gateway/src/chat/chat.service.js', 100, [node('stringify', '', 40)]),
      node('send', 'file:///x/node_modules/undici/lib/api.js', 30, [node('handle', 'file:///work/main/dist/apps/gateway/src/chat/chat.service.js', 50)]),
    ]);
    const { totalBytes, sites } = heapSites(head);
    expect(totalBytes).toBe(220);
    expect(sites).toEqual([
      { site: 'handle apps/gateway/src/chat/chat.service.js:10', bytes: 150 },
      { site: 'stringify :10', bytes: 40 },
      { site: 'send undici/lib/api.js:10', bytes: 30 },
    ]);
  });
});

describe('gcPauses', () => {
  it('reads the pause of each scavenge and mark-compact in --trace-gc lines', () => {
    const log = [
      '[1:0x1]     5470 ms: Scavenge 57.5 (75.1) -> 43.0 (75.9) MB, 1.76 / 0.02 ms  (average mu = 1.000, current mu = 1.000) task; ',
      '{"level":"info","msg":"not a gc line"}',
      '[1:0x1]     9000 ms: Mark-Compact 60.1 (92.1) -> 35.2 (90.6) MB, 4.19 / 0.01 ms  (+ 12.8 ms in 53 steps since start of marking)',
      '[1:0x1]     9920 ms: Scavenge 58.5 (76.1) -> 43.9 (76.6) MB, 4.79 / 0.02 ms  (average mu = 1.000) allocation failure; ',
    ].join('\n');
    expect(gcPauses(log)).toEqual({ scavenges: [1.76, 4.79], markCompacts: [4.19] });
  });
});
