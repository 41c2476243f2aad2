/** Plain-text tables for a terminal: columns padded to their widest cell, numbers right-aligned. */
export type Cell = string | number | null | undefined;

const display = (c: Cell): string => (c === null || c === undefined ? '-' : String(c));
const isNumeric = (c: Cell): boolean => typeof c === 'number' || (typeof c === 'string' && /^[-+$]?[\d.,]+(e-?\d+)?%?$/.test(c));

export function formatTable(headers: string[], rows: Cell[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => display(r[i]).length)));
  const line = (cells: Cell[], header: boolean) =>
    cells
      .map((c, i) => (!header && isNumeric(c) ? display(c).padStart(widths[i]) : display(c).padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers, true), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => line(r, false))].join('\n');
}

export function usd(v: number | null | undefined): string {
  if (v === null || v === undefined) return '-';
  return `$${Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3)}`;
}

export function percent(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined ? '-' : `${(100 * v).toFixed(digits)}%`;
}

export function fixed(v: number | null | undefined, digits: number): string {
  return v === null || v === undefined ? '-' : v.toFixed(digits);
}
