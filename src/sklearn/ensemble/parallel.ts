import { availableParallelism } from "node:os";
import { isMainThread, type Worker } from "node:worker_threads";
import { startModuleWorker } from "../../module-worker.js";
import { predictRows, type TreePack } from "./tree_pack.js";

/**
 * A tree ensemble's big batches on several cores, behind a synchronous call: the rows are cut in chunks that
 * the calling thread and a few worker threads claim from a shared counter; the caller computes its own chunks
 * into the result and then waits (Atomics.wait, with a deadline) for the workers' chunks, copying them from a
 * shared buffer. A chunk a worker has not finished by the deadline (a slow or crashed worker) is taken back
 * and computed by the caller, so a call never hangs and its result never depends on the workers. A worker
 * that exits turns the pool off for good (single-threaded from then on, with a warning).
 *
 * Settings: MODELSERVE_THREADS (threads per batch, the caller's included; 1 turns the pool off), by default
 * min(os.availableParallelism(), 4); always 1 inside worker threads (the server's parallel_workers already
 * spread models over the cores). Batches under `minSteps` tree steps stay on the calling thread, where handing
 * rows over would cost more than it saves.
 */

export interface ParallelOptions {
  /** threads per batch, the calling thread included */
  threads: number;
  /** the least work (rows × tree depths summed over the trees) a batch needs to use the pool */
  minSteps: number;
}

const MAX_DEFAULT_THREADS = 4;

function threadsFromEnv(): number {
  // inside a worker thread (the server's parallel_workers) the cores are already shared out: one thread
  if (!isMainThread) return 1;
  const fallback = Math.min(availableParallelism(), MAX_DEFAULT_THREADS);
  const env = process.env.MODELSERVE_THREADS;
  if (env === undefined || env === "") return fallback;
  const n = Number(env);
  if (Number.isInteger(n) && n >= 1) return n;
  process.emitWarning(`MODELSERVE_THREADS=${env} is not a whole number >= 1; using ${fallback}`, {
    code: "MODELSERVE_THREADS",
  });
  return fallback;
}

/** About 1.5 ms of work on one core (RandomForest(100) on 1,300 rows): below it, waking workers costs more than it saves. */
const DEFAULT_MIN_STEPS = 1_000_000;

let options: ParallelOptions | undefined;

export function parallelOptions(): ParallelOptions {
  options ??= { threads: threadsFromEnv(), minSteps: DEFAULT_MIN_STEPS };
  return options;
}

/** Changes the settings (tests force the pool on small batches); a pool of another size is made at next use. */
export function setParallelOptions(changes: Partial<ParallelOptions>): void {
  options = { ...parallelOptions(), ...changes };
}

/** Chunk states in the control block, after its first int (the next chunk to claim). */
export const PENDING = 1;
export const DONE = 2;
const TAKEN_BACK = 3;

/**
 * Chunks per thread: small enough that a thread slowed by other load leaves most of its share to the others,
 * and that a chunk taken back from a stalled worker costs little.
 */
const CHUNKS_PER_THREAD = 8;
/** The largest copy of X the pool keeps from one batch to the next. */
const KEPT_X_BYTES = 16 * 1024 * 1024;
const MIN_CHUNK_ROWS = 256;

export interface Job {
  packId: number;
  X: Float64Array;
  cols: number;
  rows: number;
  chunkRows: number;
  out: Float64Array;
  control: Int32Array;
  /** each row's starting values, when the caller has them (rows × stride) */
  start: Float64Array | undefined;
}

export type ToWorker =
  | { type: "pack"; id: number; pack: TreePack }
  | { type: "drop"; id: number }
  | ({ type: "job" } & Job)
  | { type: "crash" };

/** How the last batch on the pool went: chunks the workers computed, chunks the caller took back from them. */
export interface BatchStats {
  chunks: number;
  byWorkers: number;
  takenBack: number;
}

let lastStats: BatchStats | undefined;

/** Test and benchmark hook: how the last batch that used the pool went. */
export function lastPoolBatch(): BatchStats | undefined {
  return lastStats;
}

/** Claims chunks of `job` until none is left; `compute` fills a chunk's rows; returns the chunks it claimed. */
export function claimChunks(job: Job, compute: (r0: number, r1: number) => void): number[] {
  const { control, rows, chunkRows } = job;
  const chunks = control.length - 1;
  const mine: number[] = [];
  for (;;) {
    const c = Atomics.add(control, 0, 1);
    if (c >= chunks) return mine;
    compute(c * chunkRows, Math.min(rows, (c + 1) * chunkRows));
    mine.push(c);
  }
}

class Pool {
  private readonly workers: Worker[] = [];
  private readonly packIds = new WeakMap<TreePack, number>();
  private nextPackId = 0;
  /** a pack the caller no longer holds (its model was unloaded) is dropped by the workers too */
  private readonly dropped = new FinalizationRegistry<number>((id) => {
    for (const w of this.workers) w.postMessage({ type: "drop", id } satisfies ToWorker);
  });
  /** set when a worker exited: the pool is of no more use */
  failure: string | undefined;
  /** set by close: the workers' exits that follow are no failure */
  private closed = false;
  /** resolves once every worker has started (it answers its first message) */
  readonly ready: Promise<void>;
  /** X copied where the workers can read it; reused from call to call (workers only read it), up to KEPT_X_BYTES */
  private shared: Float64Array = new Float64Array(0);

  constructor(readonly size: number) {
    const started: Promise<unknown>[] = [];
    for (let i = 0; i < size; i++) {
      const worker = startModuleWorker(import.meta.url, "parallel_worker");
      worker.unref();
      started.push(
        new Promise((resolve) => {
          worker.once("message", resolve);
          worker.once("exit", resolve);
        }),
      );
      worker.on("error", (e) => this.fail(`a tree worker thread failed: ${e.message}`));
      worker.on("exit", (code) => this.fail(`a tree worker thread exited (code ${code})`));
      this.workers.push(worker);
    }
    this.ready = Promise.all(started).then(() => undefined);
  }

  private fail(reason: string): void {
    if (this.failure !== undefined || this.closed) return;
    this.failure = reason;
    process.emitWarning(`${reason}; tree ensembles predict on one thread from now on`, {
      code: "MODELSERVE_THREADS",
    });
    this.close();
  }

  close(): void {
    this.closed = true;
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
  }

  /** Test hook: one worker thread crashes in its next job, holding the chunk it claimed. */
  crashOneWorker(): void {
    this.workers[0]?.postMessage({ type: "crash" } satisfies ToWorker);
  }

  predict(pack: TreePack, X: Float64Array, rows: number, cols: number, start?: Float64Array): Float64Array {
    const S = pack.stride;
    const out = new Float64Array(rows * S);
    let packId = this.packIds.get(pack);
    if (packId === undefined) {
      packId = this.nextPackId++;
      this.packIds.set(pack, packId);
      this.dropped.register(pack, packId);
      for (const w of this.workers) w.postMessage({ type: "pack", id: packId, pack } satisfies ToWorker);
    }
    const n = rows * cols;
    // a batch-sized buffer is kept for the next batch only when small: a huge one would hold its memory for good
    let shared = this.shared;
    if (shared.length < n) {
      shared = new Float64Array(new SharedArrayBuffer(8 * n));
      if (8 * n <= KEPT_X_BYTES) this.shared = shared;
    }
    shared.set(X.subarray(0, n));
    const chunkRows = Math.max(MIN_CHUNK_ROWS, Math.ceil(rows / ((this.size + 1) * CHUNKS_PER_THREAD)));
    const chunks = Math.ceil(rows / chunkRows);
    const control = new Int32Array(new SharedArrayBuffer(4 * (chunks + 1))).fill(PENDING, 1);
    const job: Job = {
      packId,
      X: shared,
      cols,
      rows,
      chunkRows,
      out: new Float64Array(new SharedArrayBuffer(8 * rows * S)),
      control,
      start: start === undefined ? undefined : sharedCopy(start),
    };
    for (const w of this.workers) w.postMessage({ type: "job", ...job } satisfies ToWorker);
    const began = performance.now();
    const mine = new Set(claimChunks(job, (r0, r1) => predictRows(pack, X, cols, r0, r1, out, start)));
    // a worker busy with its last chunk ends it within about one chunk's time of this thread's last one: give
    // it two (at 5 ns a step when this thread computed no chunk to time), then take its chunk back
    const end = performance.now();
    const chunkMs = mine.size > 0 ? (end - began) / mine.size : chunkRows * pack.stepsPerRow * 5e-6;
    const deadline = end + 2 * chunkMs + 1;
    const stats = { chunks, byWorkers: 0, takenBack: 0 };
    for (let c = 0; c < chunks; c++) {
      if (mine.has(c)) continue;
      const r0 = c * chunkRows;
      const r1 = Math.min(rows, r0 + chunkRows);
      for (;;) {
        const state = Atomics.load(control, 1 + c);
        if (state === DONE) {
          out.set(job.out.subarray(r0 * S, r1 * S), r0 * S);
          stats.byWorkers++;
          break;
        }
        const left = deadline - performance.now();
        if (left <= 0 && Atomics.compareExchange(control, 1 + c, PENDING, TAKEN_BACK) === PENDING) {
          predictRows(pack, X, cols, r0, r1, out, start);
          stats.takenBack++;
          break;
        }
        Atomics.wait(control, 1 + c, PENDING, Math.max(left, 0));
      }
    }
    lastStats = stats;
    return out;
  }
}

function sharedCopy(a: Float64Array): Float64Array {
  const copy = new Float64Array(new SharedArrayBuffer(a.byteLength));
  copy.set(a);
  return copy;
}

let pool: Pool | undefined;

/** The pool for the current settings (undefined: one thread), made at first use. */
function currentPool(): Pool | undefined {
  const { threads } = parallelOptions();
  // a pool that failed stays (and keeps the batches on one thread); another size of pool replaces a healthy one
  if (pool !== undefined && pool.size !== threads - 1 && pool.failure === undefined) {
    pool.close();
    pool = undefined;
  }
  if (threads <= 1) return undefined;
  pool ??= new Pool(threads - 1);
  return pool.failure === undefined ? pool : undefined;
}

/** Test and benchmark hook: resolves once the pool (made now if need be) has its workers started. */
export async function poolReady(): Promise<void> {
  await currentPool()?.ready;
}

/** Test hook: one of the pool's worker threads crashes in its next job, holding the chunk it claimed. */
export function crashPoolWorkerForTest(): void {
  currentPool()?.crashOneWorker();
}

/** Test hook: forgets the pool (after a crash test), its workers ended. */
export function resetPoolForTest(): void {
  pool?.close();
  pool = undefined;
}

/**
 * The pack's predictions for all `rows` rows of X (rows × pack.stride), from each row's `start` values when
 * given (rows × pack.stride); on the pool when the batch is big.
 */
export function predictPack(
  pack: TreePack,
  X: Float64Array,
  rows: number,
  cols: number,
  start?: Float64Array,
): Float64Array {
  const p = rows * pack.stepsPerRow >= parallelOptions().minSteps ? currentPool() : undefined;
  if (p !== undefined) return p.predict(pack, X, rows, cols, start);
  const out = new Float64Array(rows * pack.stride);
  predictRows(pack, X, cols, 0, rows, out, start);
  return out;
}
