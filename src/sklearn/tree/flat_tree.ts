import type { PyObject } from "../../pickle/values.js";
import { allFinite, EstimatorStateError, State, toFloat64, toInt32, toNumber } from "../common/index.js";
import { registerClass } from "../estimator.js";
import { readNodes } from "./nodes.js";

/**
 * `sklearn.tree._tree.Tree`, flattened at load into typed arrays so that prediction walks plain
 * memory with no per-node objects. Built from the pickle's REDUCE args `(n_features, n_classes,
 * n_outputs)` and its BUILD state `{max_depth, node_count, nodes, values}`; `nodes` is a structured
 * array whose fields are read by name (offsets come from the pickled dtype).
 */
export class FlatTree {
  readonly nodeCount: number;
  readonly nFeatures: number;
  readonly nOutputs: number;
  /** classes per output (1 for regression) */
  readonly nClasses: Int32Array;
  /** max(nClasses): the last axis of `values` */
  readonly valueStride: number;
  readonly threshold: Float64Array;
  /** 1 where NaN goes left (scikit-learn >= 1.3); undefined for older trees, which never saw NaN */
  readonly missingGoLeft: Uint8Array | undefined;
  readonly nNodeSamples: Float64Array;
  /** node_count × n_outputs × valueStride, as scikit-learn stores `tree_.value` */
  readonly values: Float64Array;
  /**
   * The tree's structure, as prediction walks it: 4 ints per node (left, right, feature, the child NaN goes
   * to), one cache line for every 4 nodes, beside `threshold`. A leaf's children are itself (and its
   * feature 0), so that a walk may take more steps than the leaf is deep and stay there.
   */
  packed: Int32Array;
  private depthLimit = -1;

  constructor(obj: PyObject) {
    const [nFeatures, nClasses, nOutputs] = obj.args;
    this.nFeatures = toNumber(nFeatures, "Tree.n_features");
    this.nClasses = toInt32(nClasses, "Tree.n_classes");
    this.nOutputs = toNumber(nOutputs, "Tree.n_outputs");
    const state = new State(obj);
    this.nodeCount = state.number("node_count");
    const nodes = state.array("nodes");
    const count = nodes.shape.reduce((a, b) => a * b, 1);
    const values = state.array("values");
    this.values = toFloat64(values, "Tree.values");
    this.valueStride = values.shape[2] ?? 1;
    if (
      count !== this.nodeCount ||
      this.values.length !== this.nodeCount * this.nOutputs * this.valueStride
    ) {
      throw new EstimatorStateError(
        `Tree has ${this.nodeCount} nodes but arrays of ${count} nodes and ${this.values.length} values`,
      );
    }
    const { packed, threshold, nNodeSamples, missingGoLeft } = readNodes(nodes, count, this.nFeatures);
    this.packed = packed;
    this.threshold = threshold;
    this.nNodeSamples = nNodeSamples;
    this.missingGoLeft = missingGoLeft;
  }

  /**
   * The leaf a row reaches. `x` holds float32 values (scikit-learn casts X to float32 for trees) and is
   * compared with the float64 thresholds; NaN goes where the split sent missing values at fit time.
   */
  leaf(x: Float32Array, base: number): number {
    return walk(this.packed, this.threshold, x, base);
  }

  /**
   * The leaf of each of `rows` rows of X32 (float32, row-major, `cols` wide), as `walk` finds it. When X32
   * has no NaN (float32Rows knows), rows go 8 at a time through as many branch-free steps as the tree is
   * deep: their loads overlap, where a walk per row waits on a mispredicted branch at every level.
   */
  leaves(X32: Float32Array, rows: number, cols: number, out: Int32Array = new Int32Array(rows)): Int32Array {
    if (this.depthLimit < 0) this.depthLimit = this.depths().reduce((a, b) => Math.max(a, b), 0);
    const full = NAN_FREE.has(X32) ? rows - (rows % 8) : 0;
    stepRows(this.packed, this.threshold, this.depthLimit, X32, cols, full, out);
    for (let i = full; i < rows; i++) out[i] = walk(this.packed, this.threshold, X32, i * cols);
    return out;
  }

  /** Depth of every node (root 0), for isolation path lengths. */
  depths(): Int32Array {
    const { packed } = this;
    const depth = new Int32Array(this.nodeCount);
    for (let n = 0; n < this.nodeCount; n++) {
      const l = packed[4 * n];
      if (l === n) continue;
      depth[l] = depth[n] + 1;
      depth[packed[4 * n + 1]] = depth[n] + 1;
    }
    return depth;
  }

  /** A copy whose split features are renumbered through `map` (a sub-estimator fitted on a column subset). */
  withFeatureMap(map: Int32Array): FlatTree {
    const copy = Object.create(FlatTree.prototype) as FlatTree;
    Object.assign(copy, this);
    copy.packed = this.packed.slice();
    for (let n = 0; n < this.nodeCount; n++) {
      if (copy.packed[4 * n] !== n) copy.packed[4 * n + 2] = map[copy.packed[4 * n + 2]];
    }
    return copy;
  }
}

/**
 * Up to `depth` steps of rows [0, rows) (a multiple of 8, no NaN), 8 rows at a time. One step: slot `v > t` of
 * the node, its right child when true, its left child (`v <= t`) when false.
 */
function stepRows(
  packed: Int32Array,
  threshold: Float64Array,
  depth: number,
  x: Float32Array,
  cols: number,
  rows: number,
  out: Int32Array,
): void {
  const f0 = packed[2];
  const t0 = threshold[0];
  for (let i = 0; i < rows; i += 8) {
    const b = i * cols;
    // the first step, from the root, is the same split for all 8 rows
    let n0 = packed[+(x[b + f0] > t0)];
    let n1 = packed[+(x[b + cols + f0] > t0)];
    let n2 = packed[+(x[b + 2 * cols + f0] > t0)];
    let n3 = packed[+(x[b + 3 * cols + f0] > t0)];
    let n4 = packed[+(x[b + 4 * cols + f0] > t0)];
    let n5 = packed[+(x[b + 5 * cols + f0] > t0)];
    let n6 = packed[+(x[b + 6 * cols + f0] > t0)];
    let n7 = packed[+(x[b + 7 * cols + f0] > t0)];
    for (let d = 1; d < depth; d++) {
      n0 = packed[4 * n0 + +(x[b + packed[4 * n0 + 2]] > threshold[n0])];
      n1 = packed[4 * n1 + +(x[b + cols + packed[4 * n1 + 2]] > threshold[n1])];
      n2 = packed[4 * n2 + +(x[b + 2 * cols + packed[4 * n2 + 2]] > threshold[n2])];
      n3 = packed[4 * n3 + +(x[b + 3 * cols + packed[4 * n3 + 2]] > threshold[n3])];
      n4 = packed[4 * n4 + +(x[b + 4 * cols + packed[4 * n4 + 2]] > threshold[n4])];
      n5 = packed[4 * n5 + +(x[b + 5 * cols + packed[4 * n5 + 2]] > threshold[n5])];
      n6 = packed[4 * n6 + +(x[b + 6 * cols + packed[4 * n6 + 2]] > threshold[n6])];
      n7 = packed[4 * n7 + +(x[b + 7 * cols + packed[4 * n7 + 2]] > threshold[n7])];
      // a lopsided tree can be far deeper than most of its leaves: stop once all 8 rows are in one
      if (
        (d & 7) === 7 &&
        packed[4 * n0] === n0 &&
        packed[4 * n1] === n1 &&
        packed[4 * n2] === n2 &&
        packed[4 * n3] === n3 &&
        packed[4 * n4] === n4 &&
        packed[4 * n5] === n5 &&
        packed[4 * n6] === n6 &&
        packed[4 * n7] === n7
      ) {
        break;
      }
    }
    out[i] = n0;
    out[i + 1] = n1;
    out[i + 2] = n2;
    out[i + 3] = n3;
    out[i + 4] = n4;
    out[i + 5] = n5;
    out[i + 6] = n6;
    out[i + 7] = n7;
  }
}

/** The tree walk, written once and monomorphic: `v <= t` left, `v > t` right, neither (NaN) the NaN child. */
export function walk(packed: Int32Array, threshold: Float64Array, x: Float32Array, base: number): number {
  let n = 0;
  let l = packed[0];
  while (l !== n) {
    const o = n << 2;
    const v = x[base + packed[o + 2]];
    const t = threshold[n];
    n = v <= t ? l : v > t ? packed[o + 1] : packed[o + 3];
    l = packed[n << 2];
  }
  return n;
}

/** The float32 matrices float32Rows made from data without NaN: every tree of an ensemble reads this, no scan. */
const NAN_FREE = new WeakSet<Float32Array>();

/** X as float32, row-major: what scikit-learn's tree code reads. */
export function float32Rows(data: Float64Array): Float32Array {
  const out = Float32Array.from(data);
  if (allFinite(data)) NAN_FREE.add(out);
  return out;
}

registerClass("Tree", (obj) => new FlatTree(obj));
