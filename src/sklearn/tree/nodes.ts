import { RecordFields, type RecordLayout } from "../../pickle/index.js";
import type { NDArray } from "../../pickle/values.js";
import { EstimatorStateError, toFloat64, toInt32 } from "../common/index.js";

/** scikit-learn's TREE_LEAF: a leaf's children are -1 in the pickle. */
const LEAF = -1;

/** What a tree predicts with, read from its pickled nodes. */
export interface TreeNodes {
  /** per node: left, right, feature, the child NaN goes to (see FlatTree.packed) */
  readonly packed: Int32Array;
  readonly threshold: Float64Array;
  readonly nNodeSamples: Float64Array;
  /** absent from trees pickled before scikit-learn 1.3 */
  readonly missingGoLeft?: Uint8Array;
}

/**
 * The node fields a tree predicts with, `left_child`, `right_child` and `feature` into the packed layout,
 * linked and checked as setNode does: in one pass over the pickled records when their layout is the one
 * scikit-learn writes on 64-bit little-endian machines, else from the decoded fields.
 */
export function readNodes(nodes: NDArray, count: number, nFeatures: number): TreeNodes {
  const { fields } = nodes;
  if (fields === undefined) throw new EstimatorStateError("Tree.nodes is not a structured array");
  const out = {
    packed: new Int32Array(4 * count),
    threshold: new Float64Array(count),
    nNodeSamples: new Float64Array(count),
    missingGoLeft: fields.has("missing_go_to_left") ? new Uint8Array(count) : undefined,
  };
  const layout = fields instanceof RecordFields ? fields.layout() : undefined;
  const places = layout && placesOf(layout, out.missingGoLeft !== undefined);
  if (layout !== undefined && places !== undefined && layout.count === count) {
    readRecords(layout, places, out, nFeatures);
  } else {
    readFieldByField(fields, count, nFeatures, out);
  }
  return out;
}

/** Byte offsets in each record of the fields readRecords reads. */
interface NodePlaces {
  readonly left: number;
  readonly right: number;
  readonly feature: number;
  readonly threshold: number;
  readonly nNodeSamples: number;
  /** -1 when the tree has no missing_go_to_left */
  readonly missing: number;
}

/**
 * Where readRecords finds each field, or undefined when a field is not what it reads: little-endian 8-byte
 * integers (intp on a 64-bit machine), a little-endian 8-byte float threshold and a 1-byte
 * missing_go_to_left. Anything else (a 32-bit machine's intp, a big-endian machine's pickle) is read field
 * by field.
 */
function placesOf(layout: RecordLayout, hasMissing: boolean): NodePlaces | undefined {
  const offset = (name: string, str: string): number | undefined => {
    const f = layout.field(name);
    return f?.dtype.str === str ? f.offset : undefined;
  };
  const left = offset("left_child", "<i8");
  const right = offset("right_child", "<i8");
  const feature = offset("feature", "<i8");
  const threshold = offset("threshold", "<f8");
  const nNodeSamples = offset("n_node_samples", "<i8");
  const missing = hasMissing ? offset("missing_go_to_left", "|u1") : -1;
  if (
    left === undefined ||
    right === undefined ||
    feature === undefined ||
    threshold === undefined ||
    nNodeSamples === undefined ||
    missing === undefined
  ) {
    return undefined;
  }
  return { left, right, feature, threshold, nNodeSamples, missing };
}

/** Reads, links and checks every node straight from the records, one record at a time. */
function readRecords(layout: RecordLayout, at: NodePlaces, out: TreeNodes, nFeatures: number): void {
  const { view, stride, count } = layout;
  const { packed, threshold, nNodeSamples, missingGoLeft } = out;
  for (let n = 0, record = 0; n < count; n++, record += stride) {
    const left = int32At(view, record + at.left, "left_child", n);
    const right = int32At(view, record + at.right, "right_child", n);
    const feature = int32At(view, record + at.feature, "feature", n);
    threshold[n] = view.getFloat64(record + at.threshold, true);
    // high * 2^32 and low are exact: their sum is rounded once, to the value Number(bigint) gives
    const samples = record + at.nNodeSamples;
    nNodeSamples[n] = view.getInt32(samples + 4, true) * 4294967296 + view.getUint32(samples, true);
    let missingLeft = false;
    if (missingGoLeft !== undefined) {
      missingGoLeft[n] = view.getUint8(record + at.missing);
      missingLeft = missingGoLeft[n] === 1;
    }
    setNode(packed, n, left, right, feature, missingLeft, count, nFeatures);
  }
}

/** The little-endian int64 at `at`, which must fit 32 bits (a node index or a feature). */
function int32At(view: DataView, at: number, name: string, n: number): number {
  const low = view.getInt32(at, true);
  if (view.getInt32(at + 4, true) !== low >> 31) notInt32(view, at, name, n);
  return low;
}

/** Out of the hot loop, so that int32At stays small enough to inline. */
function notInt32(view: DataView, at: number, name: string, n: number): never {
  throw new EstimatorStateError(
    `Tree.nodes.${name}[${n}] = ${view.getBigInt64(at, true)} is not a 32-bit integer`,
  );
}

/** The same fields decoded one at a time, for a structured array whose records readRecords does not take. */
function readFieldByField(
  fields: NonNullable<NDArray["fields"]>,
  count: number,
  nFeatures: number,
  out: TreeNodes,
): void {
  const field = (name: string): NDArray => {
    const f = fields.get(name);
    if (f === undefined) throw new EstimatorStateError(`Tree.nodes has no field '${name}'`);
    return f;
  };
  const left = toInt32(field("left_child"), "Tree.nodes.left_child");
  const right = toInt32(field("right_child"), "Tree.nodes.right_child");
  const feature = toInt32(field("feature"), "Tree.nodes.feature");
  out.threshold.set(toFloat64(field("threshold"), "Tree.nodes.threshold"));
  out.nNodeSamples.set(toFloat64(field("n_node_samples"), "Tree.nodes.n_node_samples"));
  const { missingGoLeft } = out;
  missingGoLeft?.set(toInt32(field("missing_go_to_left"), "Tree.nodes.missing_go_to_left"));
  for (let n = 0; n < count; n++) {
    setNode(out.packed, n, left[n], right[n], feature[n], missingGoLeft?.[n] === 1, count, nFeatures);
  }
}

/**
 * Writes node n into the packed layout, walkable and checked: a leaf's children become itself (feature 0,
 * NaN child itself), an inner node's NaN child is the side `missing_go_to_left` names, and its children
 * and feature must lie inside the tree, so that a hostile file cannot send a walk out of bounds or round
 * a loop (children come after their parent).
 */
function setNode(
  packed: Int32Array,
  n: number,
  left: number,
  right: number,
  feature: number,
  missingLeft: boolean,
  count: number,
  nFeatures: number,
): void {
  const at = 4 * n;
  if (left === LEAF) {
    packed[at] = n;
    packed[at + 1] = n;
    packed[at + 2] = 0;
    packed[at + 3] = n;
    return;
  }
  if (left <= n || right <= n || left >= count || right >= count) {
    throw new EstimatorStateError(`Tree node ${n} has children ${left}, ${right} outside the tree`);
  }
  if (feature < 0 || feature >= nFeatures) {
    throw new EstimatorStateError(`Tree node ${n} splits on feature ${feature} of ${nFeatures}`);
  }
  packed[at] = left;
  packed[at + 1] = right;
  packed[at + 2] = feature;
  packed[at + 3] = missingLeft ? left : right;
}
