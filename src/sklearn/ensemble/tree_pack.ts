import {
  type Alloc,
  addLeafValues,
  BLOCK_ROWS,
  fillBlock,
  float64s,
  packTrees,
  type StepPack,
  treeShape,
} from "../tree/walk_kernel.js";

/**
 * An ensemble's trees in one StepPack with what each leaf adds to its row of the output: a forest's class
 * probabilities or values, a HistGradientBoosting tree's value in its class's column. Plain data (typed
 * arrays and numbers), so that the parallel pool can hand it to its workers: on shared buffers, handing it
 * over copies nothing (each thread copies it once into its kernel's memory, walk_kernel.ts).
 */
export interface TreePack {
  readonly steps: StepPack;
  /** leaf ordinal × width: what the leaf adds to the output row, from the tree's output column on */
  readonly payload: Float64Array;
  readonly width: number;
  /** output values per row */
  readonly stride: number;
  /** per tree, the output column its leaves add to */
  readonly column: Int32Array;
  /** scikit-learn's trees read X as float32 (HistGradientBoosting reads it as float64) */
  readonly round32: boolean;
  /** each output row's value before the trees add theirs (HistGradientBoosting's baseline); zeros if absent */
  readonly init: Float64Array | undefined;
  /** tree steps of one row, about: how much work a batch is (the parallel pool's threshold) */
  readonly stepsPerRow: number;
}

/** A tree of a pack: its linked nodes and, per node, what a row ending there adds (width values). */
export interface PackedTree {
  readonly packed: Int32Array;
  readonly threshold: Float64Array;
  readonly leafValues: (node: number, into: Float64Array, at: number) => void;
  /** the output column it adds to */
  readonly column: number;
}

export function buildPack(
  trees: readonly PackedTree[],
  shape: { width: number; stride: number; round32: boolean; init?: Float64Array },
  alloc: Alloc,
): TreePack {
  const steps = packTrees(trees, alloc);
  const { width } = shape;
  const payload = float64s(steps.leafCount * width, alloc);
  const column = new Int32Array(trees.length);
  let stepsPerRow = 0;
  trees.forEach((t, k) => {
    column[k] = t.column;
    const { firstLeaf, endLeaf, depth } = treeShape(steps, k);
    stepsPerRow += depth;
    for (let leaf = firstLeaf; leaf < endLeaf; leaf++)
      t.leafValues(steps.leafNode[leaf], payload, leaf * width);
  });
  return {
    steps,
    payload,
    column,
    stepsPerRow,
    init: shape.init,
    width,
    stride: shape.stride,
    round32: shape.round32,
  };
}

/**
 * out[r * stride + c] for rows [r0, r1) of X (row-major, `cols` wide): the row's starting values (`start`,
 * rows × stride, else the pack's init values, else zeros) plus every tree's
 * leaf payload, added tree after tree as scikit-learn does, a block of rows at a time so that the block's
 * features stay in cache while every tree walks it.
 */
export function predictRows(
  pack: TreePack,
  X: Float64Array,
  cols: number,
  r0: number,
  r1: number,
  out: Float64Array,
  start?: Float64Array,
): void {
  for (let from = r0; from < r1; from += BLOCK_ROWS) {
    fillBlock(X, cols, from, Math.min(BLOCK_ROWS, r1 - from), pack.round32, pack.stride);
    addLeafValues(pack.steps, pack, out, from, start);
  }
}
