import { resolve } from 'node:path';
import { loadMmlu, STRONG, WEAK } from './routellm-data';
import { prepare } from './routellm-replay';

/** Development aid: how MMLU prompts fall into context keys, and each key's weak/strong accuracy. */
export function contextReport(root: string): string {
  const p = prepare(loadMmlu(root));
  const byKey = new Map<string, { n: number; weak: number; strong: number }>();
  p.contexts.forEach((c, i) => {
    const s = byKey.get(c.contextKey) ?? { n: 0, weak: 0, strong: 0 };
    s.n++;
    s.weak += p.dataset.items[i].reward[WEAK];
    s.strong += p.dataset.items[i].reward[STRONG];
    byKey.set(c.contextKey, s);
  });
  return [...byKey.entries()]
    .sort((a, b) => b[1].n - a[1].n)
    .map(([k, s]) => `${k.padEnd(28)} n=${String(s.n).padStart(5)} weak=${(s.weak / s.n).toFixed(3)} strong=${(s.strong / s.n).toFixed(3)} gap=${((s.strong - s.weak) / s.n).toFixed(3)}`)
    .join('\n');
}

if (require.main === module) {
  console.log(contextReport(process.argv[2] ?? resolve(__dirname, '../../../../shared/datasets/routellm-evals')));
}
