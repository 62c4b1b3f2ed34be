import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadEstimator } from "../../src/sklearn/load.js";
import { treeModelOf } from "../../src/sklearn/tree/classes.js";
import type { FlatTree } from "../../src/sklearn/tree/flat_tree.js";
import { withKernelRows } from "../../src/sklearn/tree/walk_kernel.js";
import { FIXTURES } from "./harness.js";

/**
 * The batch kernel (src/sklearn/tree/walk_kernel.ts: renumbered nodes, 8 rows in lockstep, early stop when all
 * 8 are in leaves, NaN rows walked alone) against the plainest walk of the tree as scikit-learn pickled it.
 */

function tree(file: string): FlatTree {
  const est = loadEstimator(readFileSync(join(FIXTURES, "1.9.1", "trees", file)));
  const model = treeModelOf(est);
  if (model === undefined) throw new Error(`${file} is not a tree`);
  return model.tree;
}

/** The leaf of one row, node by node on the pickled structure: `v <= t` left, `v > t` right, else the NaN child. */
function plainLeaf(t: FlatTree, row: Float32Array): number {
  let n = 0;
  while (t.packed[4 * n] !== n) {
    const v = row[t.packed[4 * n + 2]];
    const th = t.threshold[n];
    n = v <= th ? t.packed[4 * n] : v > th ? t.packed[4 * n + 1] : t.packed[4 * n + 3];
  }
  return n;
}

/** `rows` rows `cols` wide: seeded values on the scale of the splits, some NaN and ±infinity when asked. */
function rowsFor(t: FlatTree, rows: number, specials: boolean): Float64Array {
  const cols = t.nFeatures;
  const spread = t.threshold.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const X = new Float64Array(rows * cols);
  for (let i = 0; i < X.length; i++) {
    const u = random();
    if (specials && u < 0.02) X[i] = Number.NaN;
    else if (specials && u < 0.025) X[i] = u < 0.0225 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    // some values exactly on a threshold (as float32), where `<=` decides
    else if (u < 0.1) X[i] = t.threshold[Math.floor(random() * t.nodeCount)];
    else X[i] = (random() * 2 - 1) * spread;
  }
  return X;
}

describe("the batch tree kernel", () => {
  for (const [file, specials] of [
    ["dt_reg_diabetes_nan.pkl", true],
    ["dt_clf_iris_nan.pkl", true],
    ["dt_clf_bc_leaf7.pkl", false],
    ["dt_reg_diabetes_d4.pkl", false],
  ] as const) {
    it(`finds the leaf the plain walk finds, every row (${file}${specials ? ", NaN and ±inf" : ""})`, () => {
      const t = tree(file);
      // not a multiple of 8: the last rows walk alone
      const rows = 1003;
      const X = rowsFor(t, rows, specials);
      const leaves = withKernelRows(X, rows, t.nFeatures, true, (input) => t.leaves(input));
      const row = new Float32Array(t.nFeatures);
      for (let i = 0; i < rows; i++) {
        row.set(X.subarray(i * t.nFeatures, (i + 1) * t.nFeatures));
        expect(leaves[i]).toBe(plainLeaf(t, row));
        expect(t.leaf(row, 0)).toBe(leaves[i]);
      }
    });
  }

  it("finds the same leaves in a batch too big for the thread's kernel memory (a memory of its own)", () => {
    const t = tree("dt_clf_bc_leaf7.pkl");
    // 80,000 rows × 30 features: 19 MB of float64 values, over the 16 MB the thread's memory takes
    const rows = 80_000;
    const X = rowsFor(t, rows, false);
    const leaves = withKernelRows(X, rows, t.nFeatures, true, (input) => t.leaves(input));
    const row = new Float32Array(t.nFeatures);
    for (let i = 0; i < rows; i += 97) {
      row.set(X.subarray(i * t.nFeatures, (i + 1) * t.nFeatures));
      expect(leaves[i]).toBe(plainLeaf(t, row));
    }
  });
});
