/** A writable the CLIs print to; process.stdout in real runs, a buffer in tests. */
export interface Out {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Redrawing a status line with \r only makes sense on a terminal; CI logs get whole lines. */
export function isInteractive(out: Out, env: NodeJS.ProcessEnv = process.env): boolean {
  return out.isTTY === true && env.TERM !== "dumb" && env.CI === undefined;
}

export function writeLine(out: Out, text: string): void {
  out.write(`${text}\n`);
}

/** Percentiles by nearest rank over ascending `sorted`; `undefined` for an empty list. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** A Markdown table with its columns padded to one width, as Prettier lays one out. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}
