import type { NDArray, NumericStorage } from "../../pickle/values.js";
import { EstimatorStateError, isNDArray, pairwiseSum } from "../common/index.js";
import type { FlatTree } from "./flat_tree.js";
import type { KernelRows } from "./walk_kernel.js";

let leafScratch: Int32Array = new Int32Array(0);

/** Where a tree's leaves for the rows go: one buffer for every tree and call (JS runs one call at a time). */
function leafBuffer(rows: number): Int32Array {
  if (leafScratch.length < rows) leafScratch = new Int32Array(rows);
  return leafScratch;
}

/**
 * A fitted tree ready to predict: the flat tree plus what scikit-learn derives from `tree_.value` at
 * predict time, computed once per node at load (class probabilities normalised per output, the
 * arg-max class of every node).
 */
export class TreeModel {
  readonly tree: FlatTree;
  readonly nOutputs: number;
  /** classifiers: node × probaWidth, each output's classes normalised to sum to 1 */
  readonly proba: Float64Array;
  /** sum of the classes of all outputs */
  readonly probaWidth: number;
  /** where each output's classes start inside a node's proba row */
  readonly probaOffsets: Int32Array;
  /** classifiers: node × nOutputs, the index of the largest raw value (scikit-learn's argmax of tree_.predict) */
  readonly argmaxClass: Int32Array;
  /** classifiers: `classes_` of each output (a meta-estimator maps a member's classes onto its own) */
  readonly classes: readonly NDArray[];

  constructor(tree: FlatTree, classes: readonly NDArray[] | undefined) {
    const classifier = classes !== undefined;
    this.classes = classes ?? [];
    this.tree = tree;
    this.nOutputs = tree.nOutputs;
    const { nodeCount, nClasses, valueStride, values } = tree;
    this.probaOffsets = new Int32Array(this.nOutputs);
    let width = 0;
    for (let k = 0; k < this.nOutputs; k++) {
      this.probaOffsets[k] = width;
      width += classifier ? nClasses[k] : 1;
    }
    this.probaWidth = width;
    this.proba = new Float64Array(classifier ? nodeCount * width : 0);
    this.argmaxClass = new Int32Array(classifier ? nodeCount * this.nOutputs : 0);
    if (!classifier) return;
    for (let n = 0; n < nodeCount; n++) {
      for (let k = 0; k < this.nOutputs; k++) {
        const src = (n * this.nOutputs + k) * valueStride;
        const nc = nClasses[k];
        // predict_proba: value[:, k, :n_classes] / its row sum (a zero sum divides by 1)
        let s = pairwiseSum(values, src, nc);
        if (s === 0) s = 1;
        const dst = n * width + this.probaOffsets[k];
        for (let c = 0; c < nc; c++) this.proba[dst + c] = values[src + c] / s;
        let best = 0;
        for (let c = 1; c < valueStride; c++) if (values[src + c] > values[src + best]) best = c;
        this.argmaxClass[n * this.nOutputs + k] = best;
      }
    }
  }

  /** The same model with split features renumbered through `map` (a member fitted on a column subset). */
  withFeatureMap(map: Int32Array): TreeModel {
    const copy = Object.create(TreeModel.prototype) as TreeModel;
    Object.assign(copy, this, { tree: this.tree.withFeatureMap(map) });
    return copy;
  }

  /** out[row*width + j] += proba of the row's leaf (every output), for the rows of X (withKernelRows, float32). */
  addProba(input: KernelRows, out: Float64Array): void {
    const { proba, probaWidth: w } = this;
    const { rows } = input;
    const leaf = this.tree.leaves(input, leafBuffer(rows));
    if (w === 2) {
      // binary classifiers, the common case, without the inner loop's overhead
      for (let i = 0; i < rows; i++) {
        const src = 2 * leaf[i];
        out[2 * i] += proba[src];
        out[2 * i + 1] += proba[src + 1];
      }
      return;
    }
    for (let i = 0; i < rows; i++) {
      const src = leaf[i] * w;
      const dst = i * w;
      for (let j = 0; j < w; j++) out[dst + j] += proba[src + j];
    }
  }

  /** Regression: out[row*nOutputs + k] += the value of the row's leaf, for every output k. */
  addValue(input: KernelRows, out: Float64Array): void {
    const { nOutputs } = this;
    const { values } = this.tree;
    const { rows } = input;
    const leaf = this.tree.leaves(input, leafBuffer(rows));
    for (let i = 0; i < rows; i++) {
      const at = i * nOutputs;
      const src = leaf[i] * nOutputs;
      for (let k = 0; k < nOutputs; k++) out[at + k] += values[src + k];
    }
  }

  /** Class index (into each output's classes) per row and output, from the raw leaf values. */
  classIndices(input: KernelRows): Int32Array {
    const { nOutputs, argmaxClass } = this;
    const { rows } = input;
    const leaf = this.tree.leaves(input, leafBuffer(rows));
    const out = new Int32Array(rows * nOutputs);
    for (let i = 0; i < rows; i++) {
      for (let k = 0; k < nOutputs; k++) out[i * nOutputs + k] = argmaxClass[leaf[i] * nOutputs + k];
    }
    return out;
  }
}

/**
 * Labels for (row, output) class indices, shaped [rows] for one output or [rows, outputs]. Like
 * scikit-learn, a multi-output result takes `classes_[0]`'s dtype (numpy truncates longer strings to it).
 */
export function labelsFor(classes: readonly NDArray[], idx: Int32Array, rows: number): NDArray {
  const nOut = classes.length;
  const first = classes[0];
  const shape = nOut === 1 ? [rows] : [rows, nOut];
  const n = rows * nOut;
  if (Array.isArray(first.data)) {
    const maxChars = first.dtype.kind === "U" ? first.dtype.itemsize / 4 : Number.POSITIVE_INFINITY;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const v = (classes[i % nOut].data as unknown[])[idx[i]];
      out[i] = typeof v === "string" && v.length > maxChars ? v.slice(0, maxChars) : v;
    }
    return { dtype: first.dtype, shape, data: out };
  }
  const out = new (first.data.constructor as new (n: number) => NumericStorage)(n);
  const bigint = out instanceof BigInt64Array || out instanceof BigUint64Array;
  for (let i = 0; i < n; i++) {
    const v = (classes[i % nOut].data as ArrayLike<unknown>)[idx[i]];
    (out as unknown as unknown[])[i] = bigint ? BigInt(v as number | bigint) : Number(v);
  }
  return { dtype: first.dtype, shape, data: out };
}

/** `classes_` of a classifier: one array, or (multi-output) a list of arrays. */
export function classesPerOutput(v: unknown, owner: string): NDArray[] {
  const list = Array.isArray(v) ? v : [v];
  return list.map((c, k) => {
    if (!isNDArray(c) || c.shape.length !== 1)
      throw new EstimatorStateError(`${owner}.classes_[${k}] is not a 1-D array`);
    return c;
  });
}
