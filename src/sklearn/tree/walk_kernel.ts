import { compileKernel, instantiate } from "../common/wasm.js";

/**
 * The batch tree walk shared by every tree model (decision trees, forests, HistGradientBoosting), on the main
 * thread and in the parallel pool's workers alike: WebAssembly (wasm/walk_kernel.wat, built by `npm run build`),
 * about twice as fast as the same steps in JavaScript, whose every typed-array access carries bounds,
 * detachment and overflow checks.
 *
 * Trees are laid out in a `StepPack`: one or many trees' nodes renumbered so that each tree's inner nodes
 * come first and its leaves last. A node is 4 ints (left, right, feature, the child NaN goes to) beside a
 * float64 threshold; a leaf's children are itself, so a row that reached its leaf may take more steps and stay
 * there; and "every row is in a leaf" is one comparison of the rows' node numbers with the first leaf's. Each
 * thread copies a pack into its kernel's memory at first use and frees it there once the pack is collected.
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

/** Lays trees out for the kernel, one after the other, in the order of `list`. */
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

/** Tree `t`'s leaf ordinals over the pack, [first, end), and its depth (the kernel's most steps). */
export function treeShape(pack: StepPack, t: number): { firstLeaf: number; endLeaf: number; depth: number } {
  const { trees } = pack;
  const ordinal = (k: number) =>
    k < trees.length / 4 ? trees[4 * k + FIRST_LEAF] - trees[4 * k + SHIFT] : pack.leafCount;
  return { firstLeaf: ordinal(t), endLeaf: ordinal(t + 1), depth: trees[4 * t + DEPTH] };
}

type AddLeafValues = (
  nodes: number,
  thr: number,
  trees: number,
  ntrees: number,
  payload: number,
  width: number,
  columns: number,
  stride: number,
  x: number,
  rowBytes: number,
  rows: number,
  nan: number,
  leaves: number,
  out: number,
) => void;

type Steps = (
  nodes: number,
  thr: number,
  root: number,
  first: number,
  depth: number,
  shift: number,
  x: number,
  rowBytes: number,
  rows: number,
  nan: number,
  out: number,
) => void;

interface Kernel {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  steps: Steps;
  add_leaf_values: AddLeafValues;
}

const compiled = compileKernel(new URL("./wasm/walk_kernel.wasm", import.meta.url));
const ALIGN = 16;
const aligned = (bytes: number) => Math.ceil(Math.max(bytes, 1) / ALIGN) * ALIGN;

/**
 * An instance of the kernel and its memory, with what it holds: copies of packs (made at a pack's first use,
 * freed once the pack is collected), blocks of rows. A thread keeps one for good; a batch too big to leave
 * its copy in that memory (WebAssembly memory never shrinks) gets a memory of its own, dropped after it.
 */
class KernelMemory {
  readonly kernel: Kernel;
  /** free space, first fit: sorted, non-adjacent [start, end) byte ranges; the memory grows when none fits */
  private readonly free: [number, number][];
  private readonly resident = new WeakMap<object, number[]>();
  private readonly unused = new FinalizationRegistry<[number, number]>(([at, bytes]) =>
    this.release(at, bytes),
  );
  /** views of the memory, remade when it grows (which detaches the old ones) */
  private buffer: ArrayBuffer | undefined;
  f64 = new Float64Array(0);
  i32 = new Int32Array(0);
  u8 = new Uint8Array(0);

  constructor() {
    this.kernel = instantiate(compiled) as unknown as Kernel;
    this.free = [[0, this.kernel.memory.buffer.byteLength]];
  }

  allocate(bytes: number): number {
    const { free } = this;
    const { memory } = this.kernel;
    const size = aligned(bytes);
    let i = free.findIndex(([start, end]) => end - start >= size);
    if (i < 0) {
      const last = free[free.length - 1];
      const top = memory.buffer.byteLength;
      const start = last !== undefined && last[1] === top ? last[0] : top;
      memory.grow(Math.ceil((start + size - top) / 65536));
      if (last !== undefined && last[1] === top) last[1] = memory.buffer.byteLength;
      else free.push([top, memory.buffer.byteLength]);
      i = free.length - 1;
    }
    const at = free[i][0];
    free[i][0] += size;
    if (free[i][0] === free[i][1]) free.splice(i, 1);
    return at;
  }

  release(at: number, bytes: number): void {
    const { free } = this;
    const end = at + aligned(bytes);
    let i = free.findIndex(([start]) => start > at);
    if (i < 0) i = free.length;
    free.splice(i, 0, [at, end]);
    // merge with the next range, then with the previous one
    if (i + 1 < free.length && free[i + 1][0] === end) free.splice(i, 2, [at, free[i + 1][1]]);
    if (i > 0 && free[i - 1][1] === at) free.splice(i - 1, 2, [free[i - 1][0], free[i][1]]);
  }

  /** The addresses of copies of `arrays` (an object's: a pack's nodes, a forest's payload), made at first use. */
  residentOf(owner: object, arrays: () => readonly (Int32Array | Float64Array)[]): number[] {
    let at = this.resident.get(owner);
    if (at !== undefined) return at;
    const list = arrays();
    const bytes = list.reduce((n, a) => n + aligned(a.byteLength), 0);
    let next = this.allocate(bytes);
    this.unused.register(owner, [next, bytes]);
    at = list.map((a) => {
      new Uint8Array(this.kernel.memory.buffer, next, a.byteLength).set(
        new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
      );
      const here = next;
      next += aligned(a.byteLength);
      return here;
    });
    this.resident.set(owner, at);
    return at;
  }

  views(): void {
    const { buffer } = this.kernel.memory;
    if (this.buffer === buffer) return;
    this.buffer = buffer;
    this.f64 = new Float64Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u8 = new Uint8Array(buffer);
  }
}

/** This thread's kernel. */
const main = new KernelMemory();

/** Rows the kernel takes at a time: small enough for the block's values to stay in the first-level cache. */
export const BLOCK_ROWS = 128;

/** The block of rows in the kernel memory: X values, a NaN byte per row, the leaves found, the output rows. */
const block = { x: 0, nan: 0, leaves: 0, out: 0, cols: 0, stride: 0, bytes: 0, rows: 0, rowBytes: 0 };

/** Room in the block for rows `cols` wide and outputs `stride` wide. */
function reserveBlock(cols: number, stride: number): void {
  if (block.bytes > 0 && cols <= block.cols && stride <= block.stride) return;
  if (block.bytes > 0) main.release(block.x, block.bytes);
  const c = Math.max(cols, block.cols);
  const s = Math.max(stride, block.stride, 1);
  block.bytes = BLOCK_ROWS * (8 * c + 1 + 4 + 8 * s);
  block.x = main.allocate(block.bytes);
  block.out = block.x + BLOCK_ROWS * 8 * c;
  block.nan = block.out + BLOCK_ROWS * 8 * s;
  block.leaves = block.nan + BLOCK_ROWS;
  block.cols = c;
  block.stride = s;
}

/**
 * Copies rows [r0, r0 + rows) of X (row-major, `cols` wide, rows <= BLOCK_ROWS) into the kernel's block,
 * rounded to float32 when `round32` (scikit-learn's trees compare float32 features with float64 thresholds; a
 * float32 held in a float64 compares the same), and marks the rows that hold a NaN; with room for `outputs`
 * values a row for addLeafValues.
 */
export function fillBlock(
  X: Float64Array,
  cols: number,
  r0: number,
  rows: number,
  round32: boolean,
  outputs = 1,
): void {
  reserveBlock(cols, outputs);
  copyRows(main, X, cols, r0, rows, round32, block.x, block.nan);
  block.rows = rows;
  block.rowBytes = 8 * cols;
}

/** Rows [r0, r0 + rows) of X into the kernel memory at byte `x` (as fillBlock says), a NaN byte per row at `nan`. */
function copyRows(
  memory: KernelMemory,
  X: Float64Array,
  cols: number,
  r0: number,
  rows: number,
  round32: boolean,
  xAt: number,
  nanAt: number,
): void {
  memory.views();
  const { f64: x, u8 } = memory;
  const at = xAt / 8;
  for (let r = 0; r < rows; r++) {
    const from = (r0 + r) * cols;
    const to = at + r * cols;
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
    u8[nanAt + r] = Number.isNaN(sum) && hasNaN(x, to, cols) ? 1 : 0;
  }
}

function hasNaN(x: Float64Array, from: number, n: number): boolean {
  for (let j = from; j < from + n; j++) if (Number.isNaN(x[j])) return true;
  return false;
}

/**
 * All rows of X copied into the kernel memory once (read as float32 when `round32`), for tree after tree to
 * walk (a decision tree, bagging's and isolation forests' members): made and freed by withKernelRows.
 */
export interface KernelRows {
  readonly memory: KernelMemory;
  readonly x: number;
  readonly nan: number;
  readonly leaves: number;
  readonly rows: number;
  readonly rowBytes: number;
}

/** Rows bigger than this get a kernel memory of their own: the thread's keeps no batch-sized growth. */
const SHARED_ROWS_BYTES = 16 * 1024 * 1024;

/** fn on X's rows in the kernel memory, which are freed after it. */
export function withKernelRows<T>(
  X: Float64Array,
  rows: number,
  cols: number,
  round32: boolean,
  fn: (rows: KernelRows) => T,
): T {
  // X values, a NaN byte per row (and 8 more: the kernel reads them 8 at a time), a leaf per row
  const nanBytes = Math.ceil((rows + 8) / 4) * 4;
  const bytes = rows * 8 * cols + nanBytes + 4 * rows;
  const memory = bytes <= SHARED_ROWS_BYTES ? main : new KernelMemory();
  const x = memory.allocate(bytes);
  try {
    const nan = x + rows * 8 * cols;
    const input = { memory, x, nan, leaves: nan + nanBytes, rows, rowBytes: 8 * cols };
    copyRows(memory, X, cols, 0, rows, round32, x, nan);
    return fn(input);
  } finally {
    memory.release(x, bytes);
  }
}

/** The leaf (its node number in its own tree, as given to packTrees) that each row reaches in a pack of one tree. */
export function treeLeaves(pack: StepPack, input: KernelRows, out: Int32Array): Int32Array {
  const { memory } = input;
  const [nodes, thr] = memory.residentOf(pack, () => [pack.nodes, pack.threshold, pack.trees]);
  const { trees, leafNode } = pack;
  memory.kernel.steps(
    nodes,
    thr,
    trees[ROOT],
    trees[FIRST_LEAF],
    trees[DEPTH],
    trees[SHIFT],
    input.x,
    input.rowBytes,
    input.rows,
    input.nan,
    input.leaves,
  );
  memory.views();
  const { i32 } = memory;
  const at = input.leaves / 4;
  for (let r = 0; r < input.rows; r++) out[r] = leafNode[i32[at + r]];
  return out;
}

/** What each leaf of a pack adds to its row of the output (TreePack's fields of the same names). */
export interface LeafValues {
  /** leaf ordinal × width values */
  readonly payload: Float64Array;
  readonly width: number;
  /** per tree, the output column its leaves add to */
  readonly column: Int32Array;
  /** output values per row */
  readonly stride: number;
  /** each output row's value before the trees add theirs; zeros if absent */
  readonly init: Float64Array | undefined;
}

/**
 * out[(outRow + r) * stride + c] for the block's rows r (fillBlock): the row's starting values (`start`, rows ×
 * stride like `out`, else the init values, else zeros) plus, tree after tree, the values of the leaf the row
 * reaches in each of the pack's trees, added in the kernel.
 */
export function addLeafValues(
  pack: StepPack,
  values: LeafValues,
  out: Float64Array,
  outRow: number,
  start?: Float64Array,
): void {
  const [nodes, thr, trees] = main.residentOf(pack, () => [pack.nodes, pack.threshold, pack.trees]);
  const [payload, columns] = main.residentOf(values, () => [values.payload, values.column]);
  const { stride, init } = values;
  if (stride > block.stride)
    throw new RangeError(`fillBlock reserved ${block.stride} outputs a row, not ${stride}`);
  main.views();
  const { f64 } = main;
  const o = block.out / 8;
  const n = block.rows * stride;
  if (start !== undefined) f64.set(start.subarray(outRow * stride, outRow * stride + n), o);
  else if (init === undefined) f64.fill(0, o, o + n);
  else for (let r = 0; r < block.rows; r++) f64.set(init, o + r * stride);
  main.kernel.add_leaf_values(
    nodes,
    thr,
    trees,
    values.column.length,
    payload,
    values.width,
    columns,
    stride,
    block.x,
    block.rowBytes,
    block.rows,
    block.nan,
    block.leaves,
    block.out,
  );
  main.views();
  out.set(main.f64.subarray(o, o + n), outRow * stride);
}
