/**
 * A/B of the tree-ensemble batch predict: this checkout's src/ against another revision's copy of src/
 * (ab.sh makes it), both loaded in this one process, timed alternately call by call on the 10,000-row
 * batches of bench/sklearn (RandomForest 100 trees, HistGradientBoosting 100 iterations). Prints, per model,
 * the median wall and CPU (process.cpuUsage: every thread) of each side and the median of the per-round
 * ratios (> 1: this checkout is faster); the two sides' outputs are checked to be identical first.
 *
 *   node --import tsx bench/trees/ab.ts BASE_DIR    (BASE_DIR holds the other revision's src/)
 *
 * Environment: BENCH_DIR (bench/sklearn's models, default <tmp>/modelserve-bench-sklearn), ROUNDS (default 15),
 * AB_MODELS (comma-separated <name>.joblib with <name>.X.f64 and <name>.json in BENCH_DIR; default the forest and
 * HistGradientBoosting).
 */
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import type { NDArray } from "../../src/pickle/values.js";
import { FLOAT64 } from "../../src/sklearn/common/dtypes.js";
import type { Estimator, Method } from "../../src/sklearn/estimator.js";

const DIR = process.env.BENCH_DIR ?? join(tmpdir(), "modelserve-bench-sklearn");
const ROUNDS = Number(process.env.ROUNDS ?? 15);
const MODELS = (process.env.AB_MODELS ?? "random_forest_100,hist_gradient_boosting_100").split(",");
const METHODS: Method[] = (process.env.AB_METHODS ?? "predict,predict_proba").split(",") as Method[];

type Loader = (path: string) => Promise<Estimator>;

async function loaderFrom(root: string): Promise<Loader> {
  const src = (p: string) => pathToFileURL(join(root, "src", p)).href;
  await import(src("sklearn/index.ts"));
  const { loadEstimatorFile } = (await import(src("sklearn/load.ts"))) as {
    loadEstimatorFile: (path: string) => Promise<Estimator>;
  };
  return loadEstimatorFile;
}

function batch(name: string): NDArray {
  const buf = readFileSync(join(DIR, `${name}.X.f64`));
  const data = new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const { shape } = JSON.parse(readFileSync(join(DIR, `${name}.json`), "utf8")) as { shape: number[] };
  return { dtype: FLOAT64, shape, data };
}

function timed(fn: () => unknown): { wall: number; cpu: number } {
  const c = process.cpuUsage();
  const t = process.hrtime.bigint();
  fn();
  const wall = Number(process.hrtime.bigint() - t) / 1e6;
  const d = process.cpuUsage(c);
  return { wall, cpu: (d.user + d.system) / 1e3 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function sameData(a: NDArray, b: NDArray): boolean {
  const x = a.data as ArrayLike<unknown>;
  const y = b.data as ArrayLike<unknown>;
  if (x.length !== y.length || a.shape.join() !== b.shape.join()) return false;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

async function main(): Promise<void> {
  const base = process.argv[2];
  if (base === undefined) throw new Error("usage: ab.ts BASE_DIR (a copy of another revision's src/)");
  const load = {
    old: await loaderFrom(resolve(base)),
    new: await loaderFrom(resolve(import.meta.dirname, "../..")),
  };
  console.log(
    `${ROUNDS} alternating rounds; ms are medians, ratios the median of old/new per round (> 1: new faster)`,
  );
  console.log(
    "model                        method          old wall  new wall  ratio   old CPU   new CPU  ratio",
  );
  for (const name of MODELS) {
    const path = join(DIR, `${name}.joblib`);
    const est = { old: await load.old(path), new: await load.new(path) };
    const X = batch(name);
    for (const method of METHODS) {
      if (!sameData(est.old.call(method, X) as NDArray, est.new.call(method, X) as NDArray)) {
        throw new Error(`${name}.${method}: the two sides' outputs differ`);
      }
      // warm-up (JIT, and the new side's worker threads, which start at the first big batch)
      for (const end = performance.now() + 1500; performance.now() < end; ) {
        est.old.call(method, X);
        est.new.call(method, X);
      }
      const t = { old: [] as { wall: number; cpu: number }[], new: [] as { wall: number; cpu: number }[] };
      for (let r = 0; r < ROUNDS; r++) {
        // alternate which side goes first, so that neither always runs on a warmer cache
        const order = r % 2 === 0 ? (["old", "new"] as const) : (["new", "old"] as const);
        for (const side of order) t[side].push(timed(() => est[side].call(method, X)));
      }
      const col = (side: "old" | "new", k: "wall" | "cpu") => median(t[side].map((x) => x[k])).toFixed(2);
      const ratio = (k: "wall" | "cpu") => median(t.old.map((o, i) => o[k] / t.new[i][k])).toFixed(2);
      console.log(
        `${name.padEnd(28)} ${method.padEnd(14)} ${col("old", "wall").padStart(9)} ${col("new", "wall").padStart(9)} ${ratio("wall").padStart(6)}x ${col("old", "cpu").padStart(9)} ${col("new", "cpu").padStart(9)} ${ratio("cpu").padStart(6)}x`,
      );
    }
  }
}

await main();
