import { blockedTimes, cpuByRole, differences, parseCpuMs, parseIdleMs, parseRssKb, percentile, rssTrend, type CpuSnapshot } from './stats';

describe('gateway bench stats', () => {
  it('takes nearest-rank percentiles', () => {
    const samples = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 99)).toBe(10);
    expect(percentile(samples, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });

  it('rssTrend compares quarter medians, ignoring the first sample and single swings', () => {
    // Flat with a sawtooth: no growth, though the last sample is 30% above the first settled one.
    const sawtooth = rssTrend([150, 200, 300, 210, 290, 205, 295, 200, 260, 290, 200, 300, 210]);
    expect(Math.abs(sawtooth.growth)).toBeLessThan(0.1);
    // A steady climb shows.
    const leak = rssTrend([100, 200, 220, 240, 260, 280, 300, 320, 340, 360]);
    expect(leak.growth).toBeGreaterThan(0.3);
  });

  it('differences pair rounds', () => {
    expect(differences([3, 5, 9], [1, 1])).toEqual([2, 4]);
  });

  it('reads CPU ticks past a command name with spaces', () => {
    const stat = '1234 (node my app) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 11 0 500 1000 2000';
    expect(parseCpuMs(stat)).toBe(3000);
  });

  it('reads VmRSS', () => {
    expect(parseRssKb('Name:\tnode\nVmPeak:\t 999 kB\nVmRSS:\t   81234 kB\n')).toBe(81234);
    expect(parseRssKb('Name:\tnode\n')).toBeNaN();
  });

  it('reads idle + iowait from /proc/stat', () => {
    expect(parseIdleMs('cpu  100 0 50 700 30 0 5 0 0 0\ncpu0 50 0 25 350 15 0 2 0 0 0\n')).toBe(7300);
  });

  it('splits CPU between two snapshots by pid role, then by command name', () => {
    const snap = (entries: Array<[number, string, number]>, idleMs: number): CpuSnapshot => ({
      processes: new Map(entries.map(([pid, comm, ms]) => [pid, { comm, ms }])),
      idleMs,
    });
    const before = snap([[10, 'node', 100], [11, 'node', 50], [20, 'postgres', 5], [30, 'bash', 1]], 1000);
    // pid 21 (a new postgres backend) starts in between; pid 30 does nothing.
    const after = snap([[10, 'node', 400], [11, 'node', 80], [20, 'postgres', 45], [21, 'postgres', 10], [30, 'bash', 1], [40, 'tsc', 7]], 1600);
    expect(cpuByRole(before, after, { gateway: 10, worker: 11 }, { postgres: /^postgres/ })).toEqual([
      { role: 'gateway', ms: 300 },
      { role: 'worker', ms: 30 },
      { role: 'postgres', ms: 50 },
      { role: 'other', ms: 7 },
      { role: 'idle', ms: 600 },
    ]);
  });

  it('blockedTimes sums strace -T durations per system call, leaving out the event waits', () => {
    const log = [
      'ftruncate(21, 0)                        = 0 <0.012700>',
      'writev(25, [{iov_base="HTTP/1.1 200 OK", iov_len=15}], 1) = 15 <0.000010>',
      'ftruncate(21, 0)                        = 0 <0.000300>',
      'epoll_wait(13, [{events=EPOLLIN, data={u32=25, u64=25}}], 1024, 5) = 1 <0.004000>',
      'read(25, 0x5650, 65536)                 = -1 EAGAIN (Resource temporarily unavailable) <0.000008>',
      '--- SIGCHLD {si_signo=SIGCHLD} ---',
    ].join('\n');
    const times = blockedTimes(log);
    expect(times.map((t) => t.name)).toEqual(['ftruncate', 'writev', 'read']);
    expect(times[0]).toEqual({ name: 'ftruncate', count: 2, totalMs: expect.closeTo(13, 6), maxMs: expect.closeTo(12.7, 6) });
  });
});
