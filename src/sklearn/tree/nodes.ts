import { type Column, RecordFields } from "../../pickle/index.js";
import type { NDArray } from "../../pickle/values.js";
import { EstimatorStateError, toFloat64, toInt32 } from "../common/index.js";

/** scikit-learn's TREE_LEAF: a leaf's children are -1 in the pickle. */
const LEAF = -1;

/**
 * The node fields a tree predicts with, `left_child`, `right_child` and `feature` into the packed layout
 * (linked and checked by linkNodes): in one pass over the pickled records when the reader can, else from
 * the decoded fields.
 */
export function readNodes(
  nodes: NDArray,
  count: number,
  nFeatures: number,
): { packed: Int32Array; threshold: Float64Array; nNodeSamples: Float64Array; missingGoLeft?: Uint8Array } {
  const { fields } = nodes;
  if (fields === undefined) throw new EstimatorStateError("Tree.nodes is not a structured array");
  const packed = new Int32Array(4 * count);
  const threshold = new Float64Array(count);
  const nNodeSamples = new Float64Array(count);
  const missingGoLeft = fields.has("missing_go_to_left") ? new Uint8Array(count) : undefined;
  const columns: Column[] = [
    { name: "left_child", into: packed, start: 0, step: 4 },
    { name: "right_child", into: packed, start: 1, step: 4 },
    { name: "feature", into: packed, start: 2, step: 4 },
    { name: "threshold", into: threshold },
    { name: "n_node_samples", into: nNodeSamples },
  ];
  if (missingGoLeft !== undefined) columns.push({ name: "missing_go_to_left", into: missingGoLeft });
  if (!(fields instanceof RecordFields && fields.readColumns(columns))) {
    readFieldByField(fields, count, packed, threshold, nNodeSamples, missingGoLeft);
  }
  linkNodes(packed, count, nFeatures, missingGoLeft);
  return { packed, threshold, nNodeSamples, missingGoLeft };
}

/** The same fields decoded one at a time, for a structured array the one-pass reader does not take. */
function readFieldByField(
  fields: NonNullable<NDArray["fields"]>,
  count: number,
  packed: Int32Array,
  threshold: Float64Array,
  nNodeSamples: Float64Array,
  missingGoLeft: Uint8Array | undefined,
): void {
  const field = (name: string): NDArray => {
    const f = fields.get(name);
    if (f === undefined) throw new EstimatorStateError(`Tree.nodes has no field '${name}'`);
    return f;
  };
  for (const [k, name] of ["left_child", "right_child", "feature"].entries()) {
    const v = toInt32(field(name), `Tree.nodes.${name}`);
    for (let n = 0; n < count; n++) packed[4 * n + k] = v[n];
  }
  threshold.set(toFloat64(field("threshold"), "Tree.nodes.threshold"));
  nNodeSamples.set(toFloat64(field("n_node_samples"), "Tree.nodes.n_node_samples"));
  missingGoLeft?.set(toInt32(field("missing_go_to_left"), "Tree.nodes.missing_go_to_left"));
}

/**
 * Makes the packed layout walkable and checks it: a leaf's children become itself (feature 0, NaN child
 * itself), an inner node's NaN child is set from `missing_go_to_left`, and every child and feature index
 * is checked to lie inside the tree, so that a hostile file cannot send a walk out of bounds or round a loop.
 */
function linkNodes(
  packed: Int32Array,
  count: number,
  nFeatures: number,
  missingGoLeft: Uint8Array | undefined,
): void {
  for (let n = 0; n < count; n++) {
    const l = packed[4 * n];
    const r = packed[4 * n + 1];
    if (l === LEAF) {
      packed[4 * n] = n;
      packed[4 * n + 1] = n;
      packed[4 * n + 2] = 0;
      packed[4 * n + 3] = n;
      continue;
    }
    packed[4 * n + 3] = missingGoLeft?.[n] === 1 ? l : r;
    if (l <= n || r <= n || l >= count || r >= count) {
      throw new EstimatorStateError(`Tree node ${n} has children ${l}, ${r} outside the tree`);
    }
    const f = packed[4 * n + 2];
    if (f < 0 || f >= nFeatures) {
      throw new EstimatorStateError(`Tree node ${n} splits on feature ${f} of ${nFeatures}`);
    }
  }
}
