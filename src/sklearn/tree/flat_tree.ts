import type { PyObject } from "../../pickle/values.js";
import { EstimatorStateError, State, toFloat64, toInt32, toNumber } from "../common/index.js";
import { registerClass } from "../estimator.js";
import { readNodes } from "./nodes.js";
import { type KernelRows, packTrees, type StepPack, treeLeaves, withKernelRows } from "./walk_kernel.js";

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
  /** the layout the batch kernel walks, made at the first batch */
  private steps: StepPack | undefined;

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
  leaf(x: Float32Array | Float64Array, base: number): number {
    const row = Float64Array.from(x.subarray(base, base + this.nFeatures));
    return withKernelRows(row, 1, this.nFeatures, true, (input) => this.leaves(input)[0]);
  }

  /**
   * The leaf (node number) of each row of X (withKernelRows, read as float32 as `leaf` does), through the batch
   * kernel (walk_kernel.ts) on this tree's own StepPack, made at first use.
   */
  leaves(input: KernelRows, out: Int32Array = new Int32Array(input.rows)): Int32Array {
    this.steps ??= packTrees([this]);
    return treeLeaves(this.steps, input, out);
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
    copy.steps = undefined;
    for (let n = 0; n < this.nodeCount; n++) {
      if (copy.packed[4 * n] !== n) copy.packed[4 * n + 2] = map[copy.packed[4 * n + 2]];
    }
    return copy;
  }
}

registerClass("Tree", (obj) => new FlatTree(obj), { data: true });
