/** Prints rows as aligned columns under a header. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

/** `--expires`: an ISO date/time, or a duration from now like `90d`, `12h`, `30m`. */
export function parseExpiry(text: string, now: Date): Date {
  const d = /^(\d+)([dhm])$/.exec(text.trim());
  if (d) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[d[2] as 'd' | 'h' | 'm'];
    return new Date(now.getTime() + Number(d[1]) * unit);
  }
  const at = new Date(text);
  if (Number.isNaN(at.getTime()))
    throw new Error(`--expires: expected an ISO date or 90d/12h/30m, got "${text}"`);
  if (at <= now) throw new Error(`--expires: ${at.toISOString()} is in the past`);
  return at;
}
