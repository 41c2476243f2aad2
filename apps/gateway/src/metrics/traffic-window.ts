/**
 * Which model served each of the last `size` requests of each route, as a ring buffer with running
 * counts: O(1) per request, so it can sit on the request path.
 */
export class TrafficWindow {
  private readonly routes = new Map<string, { ring: string[]; next: number; filled: number; counts: Map<string, number> }>();

  constructor(private readonly size: number) {}

  add(route: string, model: string): void {
    let w = this.routes.get(route);
    if (!w) this.routes.set(route, (w = { ring: new Array<string>(this.size), next: 0, filled: 0, counts: new Map() }));
    if (w.filled === this.size) {
      const old = w.ring[w.next];
      const n = (w.counts.get(old) ?? 1) - 1;
      if (n === 0) w.counts.delete(old);
      else w.counts.set(old, n);
    } else {
      w.filled++;
    }
    w.ring[w.next] = model;
    w.next = (w.next + 1) % this.size;
    w.counts.set(model, (w.counts.get(model) ?? 0) + 1);
  }

  /** Share of the window per model, per route. */
  shares(): Array<{ route: string; model: string; share: number }> {
    const out: Array<{ route: string; model: string; share: number }> = [];
    for (const [route, w] of this.routes) for (const [model, n] of w.counts) out.push({ route, model, share: n / w.filled });
    return out;
  }
}
