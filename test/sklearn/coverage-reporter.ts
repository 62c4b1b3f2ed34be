import type { Reporter, TestModule } from "vitest/node";
import { type CoverageRow, coverageTable } from "./coverage.js";

/**
 * Prints one fidelity coverage table (estimator × scikit-learn version × method) for every fidelity group
 * the run included, from the rows each fidelity test attached to its task meta.
 */
export default class FidelityCoverageReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const rows: CoverageRow[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) rows.push(...(test.meta().fidelity ?? []));
    }
    if (rows.length > 0) process.stdout.write(`\nFidelity coverage:\n${coverageTable(rows)}\n`);
  }
}
