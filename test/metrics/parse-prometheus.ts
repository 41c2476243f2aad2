/**
 * A strict reader of the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/): throws on the first line that does
 * not follow it, on samples without a TYPE, on histograms whose buckets are not cumulative or whose
 * +Inf bucket differs from _count.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help?: string;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL_PAIR = new RegExp(`^(${LABEL})="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"(,|$)`);

/** Values parse as Go's strconv.ParseFloat does (Prometheus's parser): NaN and Inf in any letter case. */
function parseValue(text: string, line: number): number {
  if (/^\+?inf(inity)?$/i.test(text)) return Infinity;
  if (/^-inf(inity)?$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`line ${line}: bad value "${text}"`);
  return Number(text);
}

function parseLabels(text: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.length > 0) {
    const m = LABEL_PAIR.exec(rest);
    if (!m) throw new Error(`line ${line}: bad labels "${text}"`);
    if (m[1] in labels) throw new Error(`line ${line}: duplicate label ${m[1]}`);
    labels[m[1]] = m[2].replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(m[0].length);
  }
  return labels;
}

function familyOf(sample: string, families: Map<string, Family>): Family | undefined {
  if (families.has(sample)) return families.get(sample);
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (sample.endsWith(suffix)) {
      const f = families.get(sample.slice(0, -suffix.length));
      if (f && (f.type === 'histogram' || f.type === 'summary')) return f;
    }
  }
  return undefined;
}

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw === '') return;
    if (raw.startsWith('#')) {
      const m = new RegExp(`^# (HELP|TYPE) (${NAME}) ?(.*)$`).exec(raw);
      if (!m) {
        if (/^# (HELP|TYPE)/.test(raw)) throw new Error(`line ${line}: bad comment "${raw}"`);
        return;
      }
      const family = families.get(m[2]) ?? { name: m[2], type: 'untyped' as const, samples: [] };
      if (m[1] === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(m[3])) throw new Error(`line ${line}: bad type "${m[3]}"`);
        if (family.samples.length > 0) throw new Error(`line ${line}: TYPE after samples of ${m[2]}`);
        family.type = m[3] as Family['type'];
      } else {
        family.help = m[3];
      }
      families.set(m[2], family);
      return;
    }
    const m = SAMPLE.exec(raw);
    if (!m) throw new Error(`line ${line}: bad sample "${raw}"`);
    const family = familyOf(m[1], families);
    if (!family) throw new Error(`line ${line}: sample ${m[1]} has no TYPE`);
    const value = parseValue(m[3], line);
    if (family.type === 'counter' && !(value >= 0)) throw new Error(`line ${line}: counter ${m[1]} is ${value}`);
    family.samples.push({ name: m[1], labels: parseLabels(m[2] ?? '', line), value });
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

function checkHistogram(family: Family): void {
  const series = new Map<string, { buckets: Array<{ le: number; value: number }>; count?: number }>();
  const keyOf = (labels: Record<string, string>) =>
    JSON.stringify(Object.entries(labels).filter(([k]) => k !== 'le').sort(([a], [b]) => a.localeCompare(b)));
  for (const s of family.samples) {
    const entry = series.get(keyOf(s.labels)) ?? { buckets: [] };
    series.set(keyOf(s.labels), entry);
    if (s.name.endsWith('_bucket')) {
      if (s.labels.le === undefined) throw new Error(`${s.name} without le`);
      entry.buckets.push({ le: s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), value: s.value });
    } else if (s.name.endsWith('_count')) {
      entry.count = s.value;
    }
  }
  for (const [key, entry] of series) {
    const sorted = [...entry.buckets].sort((a, b) => a.le - b.le);
    for (let i = 1; i < sorted.length; i++) if (sorted[i].value < sorted[i - 1].value) throw new Error(`${family.name}${key}: buckets not cumulative`);
    const inf = sorted[sorted.length - 1];
    if (!inf || inf.le !== Infinity) throw new Error(`${family.name}${key}: no +Inf bucket`);
    if (inf.value !== entry.count) throw new Error(`${family.name}${key}: +Inf bucket ${inf.value} != _count ${entry.count}`);
  }
}

/** Sum of a family's samples named `name` whose labels include `match`. */
export function sumOf(families: Map<string, Family>, family: string, match: Record<string, string> = {}, name = family): number {
  const f = families.get(family);
  if (!f) return 0;
  return f.samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}
