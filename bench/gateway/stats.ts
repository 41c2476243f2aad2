import { readdirSync, readFileSync } from 'node:fs';

/** Nearest-rank percentile of unsorted samples (`p` in 0..100); NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/**
 * RSS growth over a soak, robust to the garbage collector's sawtooth: the median of the last quarter
 * of the samples against the median of the first quarter, the first sample (heaps still sizing up
 * for the rate) left out. Single samples swing by a third between slices; medians of quarters do not.
 */
export function rssTrend(samples: readonly number[]): { early: number; late: number; growth: number } {
  const settled = samples.length > 2 ? samples.slice(1) : [...samples];
  const q = Math.max(1, Math.floor(settled.length / 4));
  const early = median(settled.slice(0, q));
  const late = median(settled.slice(settled.length - q));
  return { early, late, growth: (late - early) / early };
}

/** Pairs two interleaved sample sets and returns per-round differences (a - b). */
export function differences(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.min(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
  return out;
}

const CLOCK_TICKS_PER_SECOND = 100; // `getconf CLK_TCK` on Linux

/** User + system CPU time of a process in ms, from /proc/<pid>/stat (fields 14 and 15). */
export function processCpuMs(pid: number): number {
  return parseCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

export function parseCpuMs(stat: string): number {
  // The command name (field 2) may hold spaces; fields after it follow the closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Resident set size of a process in KB, from /proc/<pid>/status. */
export function processRssKb(pid: number): number {
  return parseRssKb(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

export function parseRssKb(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) : NaN;
}

/** CPU time (ms) of every process on the machine, by pid, with its command name; and the machine's idle time. */
export interface CpuSnapshot {
  processes: Map<number, { comm: string; ms: number }>;
  idleMs: number;
}

/** Reads /proc/<pid>/stat of every process and the idle column of /proc/stat (processes that vanish are skipped). */
export function cpuSnapshot(): CpuSnapshot {
  const processes = new Map<number, { comm: string; ms: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      processes.set(Number(name), { comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ms: parseCpuMs(stat) });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return { processes, idleMs: parseIdleMs(readFileSync('/proc/stat', 'utf8')) };
}

/** Idle + iowait of all CPUs in ms, from the first line of /proc/stat. */
export function parseIdleMs(procStat: string): number {
  const fields = procStat.split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return ((fields[3] + fields[4]) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/**
 * Where the machine's CPU went between two snapshots, by role: the pids named in `roles` first, then
 * processes whose command name matches a `byComm` pattern, the rest as "other"; plus idle. Processes that
 * started in between count from zero; ones that ended are not seen (their time is lost, not misassigned).
 */
export function cpuByRole(before: CpuSnapshot, after: CpuSnapshot, roles: Record<string, number>, byComm: Record<string, RegExp>): Array<{ role: string; ms: number }> {
  const totals = new Map<string, number>();
  const roleOfPid = new Map(Object.entries(roles).map(([role, pid]) => [pid, role]));
  for (const [pid, now] of after.processes) {
    const delta = now.ms - (before.processes.get(pid)?.ms ?? 0);
    if (delta <= 0) continue;
    const role = roleOfPid.get(pid) ?? Object.entries(byComm).find(([, re]) => re.test(now.comm))?.[0] ?? 'other';
    totals.set(role, (totals.get(role) ?? 0) + delta);
  }
  const rows = [...Object.keys(roles), ...Object.keys(byComm), 'other'].map((role) => ({ role, ms: totals.get(role) ?? 0 }));
  rows.push({ role: 'idle', ms: Math.max(0, after.idleMs - before.idleMs) });
  return rows;
}

export interface SyscallTimes {
  name: string;
  count: number;
  totalMs: number;
  maxMs: number;
}

/** Per system call of an `strace -T` log: how often, and how long in all and at most (epoll waits left out). */
export function blockedTimes(log: string): SyscallTimes[] {
  const by = new Map<string, SyscallTimes>();
  for (const line of log.split('\n')) {
    const m = /^(\w+)\(.*<(\d+\.\d+)>$/.exec(line.trim());
    if (!m || m[1].startsWith('epoll_')) continue;
    const ms = Number(m[2]) * 1000;
    const s = by.get(m[1]) ?? { name: m[1], count: 0, totalMs: 0, maxMs: 0 };
    s.count++;
    s.totalMs += ms;
    s.maxMs = Math.max(s.maxMs, ms);
    by.set(m[1], s);
  }
  return [...by.values()].sort((a, b) => b.totalMs - a.totalMs);
}
