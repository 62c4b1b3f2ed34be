/**
 * The batch tree walk shared by every tree model (decision trees, forests, HistGradientBoosting), on the main
 * thread and in the parallel pool's workers alike: it imports nothing, so a worker loads it quickly.
 *
 * Trees are laid out in a `StepPack`: one or many trees' nodes renumbered so that each tree's inner nodes
 * come first and its leaves last. A node is 4 ints (left, right, feature, the child NaN goes to) beside a
 * float64 threshold; a leaf's children are itself, so a row that reached its leaf may take more steps and stay
 * there; and "every row is in a leaf" is one comparison of the rows' node numbers with the first leaf's.
 */

/** Per tree, 4 ints in `StepPack.trees`: its root, its first leaf, its depth (steps), the leaf shift. */
const ROOT = 0;
const FIRST_LEAF = 1;
const DEPTH = 2;
const SHIFT = 3;

export interface StepPack {
  /** 4 ints per node: left, right, feature, NaN child (node numbers over the whole pack) */
  readonly nodes: Int32Array;
  readonly threshold: Float64Array;
  /** 4 ints per tree: root, first leaf, depth, shift (a leaf's ordinal over the pack is its node − shift) */
  readonly trees: Int32Array;
  /** per leaf ordinal, the node number it had in its own tree as it was given to packTrees */
  readonly leafNode: Int32Array;
  readonly leafCount: number;
}

/** A tree as it is given to packTrees: 4 ints per node (left, right, feature, NaN child), a leaf's children itself. */
export interface LinkedTree {
  readonly packed: Int32Array;
  readonly threshold: Float64Array;
}

/** Int32Array / Float64Array on a plain or a shared buffer (the parallel pool hands shared ones to its workers). */
export type Alloc = "plain" | "shared";

function int32s(n: number, alloc: Alloc): Int32Array {
  return alloc === "shared" ? new Int32Array(new SharedArrayBuffer(4 * n)) : new Int32Array(n);
}

export function float64s(n: number, alloc: Alloc): Float64Array {
  return alloc === "shared" ? new Float64Array(new SharedArrayBuffer(8 * n)) : new Float64Array(n);
}

/** Lays trees out for stepRows, one after the other; their order is the order of `trees` in the pack. */
export function packTrees(list: readonly LinkedTree[], alloc: Alloc = "plain"): StepPack {
  let nodeCount = 0;
  let leafCount = 0;
  for (const t of list) {
    const n = t.threshold.length;
    nodeCount += n;
    for (let i = 0; i < n; i++) if (t.packed[4 * i] === i) leafCount++;
  }
  const nodes = int32s(4 * nodeCount, alloc);
  const threshold = float64s(nodeCount, alloc);
  const trees = int32s(4 * list.length, alloc);
  const leafNode = int32s(leafCount, alloc);
  let base = 0;
  let leafBase = 0;
  list.forEach((t, k) => {
    const { packed } = t;
    const n = t.threshold.length;
    let inner = 0;
    for (let i = 0; i < n; i++) if (packed[4 * i] !== i) inner++;
    // inner nodes keep their order (a child after its parent), leaves follow in theirs
    const renumber = new Int32Array(n);
    let nextInner = base;
    let nextLeaf = base + inner;
    for (let i = 0; i < n; i++) renumber[i] = packed[4 * i] === i ? nextLeaf++ : nextInner++;
    const depth = new Int32Array(n);
    let maxDepth = 0;
    for (let i = 0; i < n; i++) {
      const at = renumber[i];
      threshold[at] = t.threshold[i];
      for (let s = 0; s < 4; s++)
        nodes[4 * at + s] = s === 2 ? packed[4 * i + 2] : renumber[packed[4 * i + s]];
      if (packed[4 * i] === i) {
        leafNode[leafBase + at - base - inner] = i;
        maxDepth = Math.max(maxDepth, depth[i]);
      } else {
        depth[packed[4 * i]] = depth[i] + 1;
        depth[packed[4 * i + 1]] = depth[i] + 1;
      }
    }
    trees[4 * k + ROOT] = renumber[0];
    trees[4 * k + FIRST_LEAF] = base + inner;
    trees[4 * k + DEPTH] = maxDepth;
    trees[4 * k + SHIFT] = base + inner - leafBase;
    base += n;
    leafBase += n - inner;
  });
  return { nodes, threshold, trees, leafNode, leafCount };
}

/**
 * Rows of a block, as stepRows reads them: `x` holds `rows` rows `cols` wide from offset 0, and `nan[r]` is 1
 * when row r holds a NaN (those rows walk one at a time, taking the NaN child).
 */
export interface RowBlock {
  x: Float64Array;
  nan: Uint8Array;
  rows: number;
  /** true when some row holds a NaN */
  anyNaN: boolean;
}

/** Rows the kernel takes at a time: small enough for the block's values to stay in the first-level cache. */
export const BLOCK_ROWS = 128;

/** A block's buffers, reused from call to call (a thread runs one predict at a time). */
export function newBlock(): RowBlock {
  return { x: new Float64Array(0), nan: new Uint8Array(BLOCK_ROWS), rows: 0, anyNaN: false };
}

/**
 * Copies rows [r0, r0 + rows) of X (row-major, `cols` wide) into the block, rounded to float32 when `round32`
 * (scikit-learn's trees compare float32 features with float64 thresholds; a float32 held in a float64 compares
 * the same), and marks the rows that hold a NaN.
 */
export function fillBlock(
  block: RowBlock,
  X: Float64Array,
  cols: number,
  r0: number,
  rows: number,
  round32: boolean,
): void {
  if (block.x.length < rows * cols) block.x = new Float64Array(BLOCK_ROWS * cols);
  const { x, nan } = block;
  let anyNaN = false;
  for (let r = 0; r < rows; r++) {
    const from = (r0 + r) * cols;
    const to = r * cols;
    let sum = 0;
    if (round32) {
      for (let j = 0; j < cols; j++) {
        const v = Math.fround(X[from + j]);
        x[to + j] = v;
        sum += v * 0; // NaN (and ±inf) make the sum NaN: one test per row instead of one per value
      }
    } else {
      for (let j = 0; j < cols; j++) {
        const v = X[from + j];
        x[to + j] = v;
        sum += v * 0;
      }
    }
    // the sum is NaN for ±inf too: those rows check each value
    const rowNaN = Number.isNaN(sum) && hasNaN(x, to, cols);
    nan[r] = rowNaN ? 1 : 0;
    anyNaN ||= rowNaN;
  }
  block.rows = rows;
  block.anyNaN = anyNaN;
}

function hasNaN(x: Float64Array, from: number, n: number): boolean {
  for (let j = from; j < from + n; j++) if (Number.isNaN(x[j])) return true;
  return false;
}

/**
 * out[r] = the leaf ordinal (over the pack) that row r of the block reaches in tree `t`. Rows go 8 at a time
 * through branch-free steps (`v > t` picks the right child, `v <= t` the left), their loads overlapping, until
 * all 8 are in leaves; rows with NaN, and the last rows when fewer than 8, walk one at a time.
 */
export function stepRows(pack: StepPack, t: number, block: RowBlock, cols: number, out: Int32Array): void {
  const { nodes, threshold, trees } = pack;
  const { x, nan, rows, anyNaN } = block;
  const root = trees[4 * t + ROOT];
  const first = trees[4 * t + FIRST_LEAF];
  const depth = trees[4 * t + DEPTH];
  const shift = trees[4 * t + SHIFT];
  const f0 = nodes[4 * root + 2];
  const t0 = threshold[root];
  const r0 = 4 * root;
  let i = 0;
  for (; i + 8 <= rows; i += 8) {
    if (
      anyNaN &&
      nan[i] | nan[i + 1] | nan[i + 2] | nan[i + 3] | nan[i + 4] | nan[i + 5] | nan[i + 6] | nan[i + 7]
    ) {
      for (let r = i; r < i + 8; r++) out[r] = walkRow(nodes, threshold, root, first, x, r * cols) - shift;
      continue;
    }
    const b = i * cols;
    // the first step, from the root, is the same split for all 8 rows
    let n0 = nodes[r0 + +(x[b + f0] > t0)];
    let n1 = nodes[r0 + +(x[b + cols + f0] > t0)];
    let n2 = nodes[r0 + +(x[b + 2 * cols + f0] > t0)];
    let n3 = nodes[r0 + +(x[b + 3 * cols + f0] > t0)];
    let n4 = nodes[r0 + +(x[b + 4 * cols + f0] > t0)];
    let n5 = nodes[r0 + +(x[b + 5 * cols + f0] > t0)];
    let n6 = nodes[r0 + +(x[b + 6 * cols + f0] > t0)];
    let n7 = nodes[r0 + +(x[b + 7 * cols + f0] > t0)];
    // leaves are numbered from `first` on: all 8 rows are in leaves when no n − first is negative
    for (
      let d = 1;
      d < depth &&
      ((n0 - first) |
        (n1 - first) |
        (n2 - first) |
        (n3 - first) |
        (n4 - first) |
        (n5 - first) |
        (n6 - first) |
        (n7 - first)) <
        0;
      d++
    ) {
      n0 = nodes[4 * n0 + +(x[b + nodes[4 * n0 + 2]] > threshold[n0])];
      n1 = nodes[4 * n1 + +(x[b + cols + nodes[4 * n1 + 2]] > threshold[n1])];
      n2 = nodes[4 * n2 + +(x[b + 2 * cols + nodes[4 * n2 + 2]] > threshold[n2])];
      n3 = nodes[4 * n3 + +(x[b + 3 * cols + nodes[4 * n3 + 2]] > threshold[n3])];
      n4 = nodes[4 * n4 + +(x[b + 4 * cols + nodes[4 * n4 + 2]] > threshold[n4])];
      n5 = nodes[4 * n5 + +(x[b + 5 * cols + nodes[4 * n5 + 2]] > threshold[n5])];
      n6 = nodes[4 * n6 + +(x[b + 6 * cols + nodes[4 * n6 + 2]] > threshold[n6])];
      n7 = nodes[4 * n7 + +(x[b + 7 * cols + nodes[4 * n7 + 2]] > threshold[n7])];
    }
    out[i] = n0 - shift;
    out[i + 1] = n1 - shift;
    out[i + 2] = n2 - shift;
    out[i + 3] = n3 - shift;
    out[i + 4] = n4 - shift;
    out[i + 5] = n5 - shift;
    out[i + 6] = n6 - shift;
    out[i + 7] = n7 - shift;
  }
  for (; i < rows; i++) out[i] = walkRow(nodes, threshold, root, first, x, i * cols) - shift;
}

/** The leaf ordinal (over the pack) that the row at `base` of `x` reaches in tree `t`. */
export function walkTree(pack: StepPack, t: number, x: Float32Array | Float64Array, base: number): number {
  const { trees } = pack;
  return (
    walkRow(pack.nodes, pack.threshold, trees[4 * t + ROOT], trees[4 * t + FIRST_LEAF], x, base) -
    trees[4 * t + SHIFT]
  );
}

/** One row's walk from `root` to a leaf: `v <= t` left, `v > t` right, neither (NaN) the NaN child. */
function walkRow(
  nodes: Int32Array,
  threshold: Float64Array,
  root: number,
  first: number,
  x: Float32Array | Float64Array,
  base: number,
): number {
  let n = root;
  while (n < first) {
    const o = 4 * n;
    const v = x[base + nodes[o + 2]];
    const t = threshold[n];
    n = v <= t ? nodes[o] : v > t ? nodes[o + 1] : nodes[o + 3];
  }
  return n;
}
