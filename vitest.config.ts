import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    // the second prints the scikit-learn fidelity coverage table of the groups that ran
    reporters: ["default", "./test/sklearn/coverage-reporter.ts"],
  },
});
