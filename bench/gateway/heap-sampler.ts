import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { heapSites, type SamplingHeapNode } from './heap-sites';

/**
 * Preloaded into the gateway by `gc-profile.ts` (`node -r .../heap-sampler.js`): the first SIGUSR2
 * starts V8's sampling heap profiler, the next writes the bytes by allocating function to
 * HEAP_SAMPLE_OUT. With HEAP_SAMPLE_SURVIVORS=1 objects freed by a young-generation collection are left
 * out, so the profile shows what outlived one (and fills the old generation).
 */
const out = process.env.HEAP_SAMPLE_OUT;
if (out) {
  const session = new Session();
  session.connect();
  const survivorsOnly = process.env.HEAP_SAMPLE_SURVIVORS === '1';
  let sampling = false;
  process.on('SIGUSR2', () => {
    if (!sampling) {
      sampling = true;
      session.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMinorGC: !survivorsOnly, includeObjectsCollectedByMajorGC: true });
      return;
    }
    sampling = false;
    session.post('HeapProfiler.stopSampling', (err, result) => {
      if (err) throw err;
      writeFileSync(out, JSON.stringify(heapSites(result.profile.head as unknown as SamplingHeapNode)));
    });
  });
}
