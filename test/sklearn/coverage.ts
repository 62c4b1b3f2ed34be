/**
 * The fidelity coverage table (estimator × scikit-learn version × method). Each fidelity test attaches its
 * rows to its task meta; the coverage reporter (wired in vitest.config.ts) merges every group's rows into one
 * table at the end of the run. No imports from the estimators: the reporter runs in vitest's main process.
 */

export interface CoverageRow {
  estimator: string;
  version: string;
  method: string;
  file: string;
  pass: boolean;
}

declare module "vitest" {
  interface TaskMeta {
    /** the fidelity checks one test made: one row per (method, model file) */
    fidelity?: CoverageRow[];
  }
}

/** A table of estimator × version × method with passed/total model files, for the run's log. */
export function coverageTable(rows: readonly CoverageRow[]): string {
  const vs = [...new Set(rows.map((r) => r.version))].sort((a, b) =>
    a.localeCompare(b, undefined, { numeric: true }),
  );
  const cells = new Map<string, { pass: number; total: number }>();
  for (const r of rows) {
    const key = `${r.estimator}\t${r.method}\t${r.version}`;
    const c = cells.get(key) ?? { pass: 0, total: 0 };
    c.total++;
    if (r.pass) c.pass++;
    cells.set(key, c);
  }
  const lines = [...new Set(rows.map((r) => `${r.estimator}\t${r.method}`))].sort().map((em) => {
    const [est, method] = em.split("\t");
    const byVersion = vs.map((v) => {
      const c = cells.get(`${em}\t${v}`);
      return c === undefined ? "-" : `${c.pass === c.total ? "ok" : "FAIL"} ${c.pass}/${c.total}`;
    });
    return [est, method, ...byVersion];
  });
  const header = ["estimator", "method", ...vs.map((v) => `sklearn ${v}`)];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (l: string[]) => l.map((c, i) => c.padEnd(widths[i])).join("  ");
  const failed = rows.filter((r) => !r.pass).length;
  return [
    fmt(header),
    fmt(widths.map((w) => "-".repeat(w))),
    ...lines.map(fmt),
    `${rows.length - failed} of ${rows.length} (estimator, version, method, model file) checks passed`,
  ].join("\n");
}
