/**
 * scikit-learn benchmark, ours against scikit-learn in the same run: single-row predict latency and
 * 10,000-row batch throughput for LogisticRegression, RandomForest (100 trees), HistGradientBoosting
 * (100 iterations) and a Pipeline with a ColumnTransformer, and the load time of a ~100 MB forest against
 * Python's pickle.load. Models are trained by bench/sklearn/make_models.py (cached in BENCH_DIR).
 *
 *   node --import tsx bench/sklearn/run.ts
 *
 * Environment: SKLEARN_VENV (default /work/venvs/sk1.9, made by fixtures/sklearn/make_venvs.sh),
 * BENCH_DIR (default <tmp>/modelserve-bench-sklearn), SINGLE_REPS (default 1000).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NDArray } from "../../src/pickle/values.js";
import { FLOAT64 } from "../../src/sklearn/common/dtypes.js";
import type { Estimator, Input } from "../../src/sklearn/estimator.js";
import "../../src/sklearn/index.js";
import { loadEstimatorFile } from "../../src/sklearn/load.js";

const HERE = import.meta.dirname;
const VENV = process.env.SKLEARN_VENV ?? "/work/venvs/sk1.9";
const PYTHON = join(VENV, "bin/python");
const DIR = process.env.BENCH_DIR ?? join(tmpdir(), "modelserve-bench-sklearn");
const SINGLE_REPS = Number(process.env.SINGLE_REPS ?? 1000);
const MODELS = [
  "logistic_regression",
  "random_forest_100",
  "hist_gradient_boosting_100",
  "pipeline_column_transformer",
];

interface Timing {
  single_ms?: number;
  batch_rows_per_s?: number;
  load_ms?: number;
}

function python(script: string, ...args: string[]): string {
  const r = spawnSync(PYTHON, [join(HERE, script), ...args], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

function batchInput(name: string): { X: Input; row: Input } {
  const meta = JSON.parse(readFileSync(join(DIR, `${name}.json`), "utf8"));
  if (meta.kind === "table") {
    const names: string[] = meta.names;
    const cols: unknown[][] = meta.columns;
    const column = (values: unknown[]) =>
      typeof values[0] === "number" ? Float64Array.from(values as number[]) : values;
    const X: Input = {
      kind: "table",
      rows: cols[0].length,
      columns: names.map((n, j) => ({ name: n, values: column(cols[j]) })),
    };
    const row: Input = {
      kind: "table",
      rows: 1,
      columns: names.map((n, j) => ({ name: n, values: column(cols[j].slice(0, 1)) })),
    };
    return { X, row };
  }
  const buf = readFileSync(join(DIR, `${name}.X.f64`));
  const data = new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const [rows, cols] = meta.shape as [number, number];
  const X: NDArray = { dtype: FLOAT64, shape: [rows, cols], data };
  const row: NDArray = { dtype: FLOAT64, shape: [1, cols], data: data.slice(0, cols) };
  return { X, row };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function timeOurs(est: Estimator, X: Input, row: Input): Timing {
  for (let i = 0; i < 200; i++) est.call("predict", row);
  const times: number[] = [];
  for (let i = 0; i < SINGLE_REPS; i++) {
    const t = process.hrtime.bigint();
    est.call("predict", row);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  est.call("predict", X);
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const t = process.hrtime.bigint();
    est.call("predict", X);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  const rows = "kind" in X ? X.rows : X.shape[0];
  return { single_ms: median(times), batch_rows_per_s: rows / best };
}

const fmt = (v: number | undefined, digits = 3) =>
  v === undefined ? "-" : v < 10 ? v.toPrecision(digits) : v.toFixed(0);

async function main(): Promise<void> {
  if (!existsSync(join(DIR, "forest_100mb.pkl"))) {
    console.log(`training the benchmark models with ${PYTHON} into ${DIR} (once; about 2 minutes)…`);
    console.log(python("make_models.py", DIR).trim());
  }
  console.log("timing scikit-learn…");
  const sk = JSON.parse(python("time_sklearn.py", DIR, String(Math.min(SINGLE_REPS, 300)))) as Record<
    string,
    Timing
  >;
  console.log("timing modelserve…");
  const ours: Record<string, Timing> = {};
  for (const name of MODELS) {
    const est = await loadEstimatorFile(join(DIR, `${name}.joblib`));
    const { X, row } = batchInput(name);
    ours[name] = timeOurs(est, X, row);
  }
  let bestLoad = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const t = process.hrtime.bigint();
    await loadEstimatorFile(join(DIR, "forest_100mb.pkl"));
    bestLoad = Math.min(bestLoad, Number(process.hrtime.bigint() - t) / 1e6);
  }
  ours.forest_100mb = { load_ms: bestLoad };

  const lines = [
    [
      "model",
      "single-row ms (ours / sklearn)",
      "speed-up",
      "goal ≥10x",
      "batch rows/s (ours / sklearn)",
      "ratio",
      "goal ≥1x",
    ],
  ];
  for (const name of MODELS) {
    const o = ours[name];
    const s = sk[name];
    const speedup = s.single_ms! / o.single_ms!;
    const batch = o.batch_rows_per_s! / s.batch_rows_per_s!;
    lines.push([
      name,
      `${fmt(o.single_ms)} / ${fmt(s.single_ms)}`,
      `${speedup.toFixed(1)}x`,
      speedup >= 10 ? "met" : "MISSED",
      `${fmt(o.batch_rows_per_s)} / ${fmt(s.batch_rows_per_s)}`,
      `${batch.toFixed(2)}x`,
      batch >= 1 ? "met" : "MISSED",
    ]);
  }
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  for (const l of lines) console.log(l.map((c, i) => c.padEnd(widths[i])).join("  "));
  const load = sk.forest_100mb.load_ms! / bestLoad;
  console.log(
    `\nload of the ~100 MB forest: ours ${bestLoad.toFixed(0)} ms, pickle.load ${sk.forest_100mb.load_ms!.toFixed(0)} ms → ${load.toFixed(2)}x (goal ≥1x: ${load >= 1 ? "met" : "MISSED"})`,
  );
}

await main();
