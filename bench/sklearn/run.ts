/**
 * scikit-learn benchmark, ours against scikit-learn in the same run: single-row predict latency and
 * 10,000-row batch throughput for LogisticRegression, RandomForest (100 trees), HistGradientBoosting
 * (100 iterations) and a Pipeline with a ColumnTransformer, and the load time of a ~100 MB forest against
 * Python's pickle.load, both in the long-lived process (warm: memory freed by the previous load is at hand) and
 * in a fresh process per load (cold: as a server starting up loads its model; load-once.ts and
 * load_once.py). Models are trained by bench/sklearn/make_models.py (cached in BENCH_DIR).
 *
 *   node --import tsx bench/sklearn/run.ts
 *
 * The machine may be shared, so the two sides alternate measure by measure (scikit-learn is a Python
 * process kept running, time_sklearn.py) for ROUNDS rounds after a warm-up round; each figure is the
 * median over rounds, each ratio the median of the rounds' ratios. Batches and loads are also timed in CPU
 * time (each side's process, every thread), which other processes on the machine disturb less than wall
 * time; wall time is the goal's measure.
 *
 * Environment: SKLEARN_VENV (default /work/venvs/sk1.9, made by fixtures/sklearn/make_venvs.sh),
 * BENCH_DIR (default <tmp>/modelserve-bench-sklearn), ROUNDS (default 7), SINGLE_REPS (default 300),
 * BATCH_REPS (default 5: best of).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { NDArray } from "../../src/pickle/values.js";
import { FLOAT64 } from "../../src/sklearn/common/dtypes.js";
import type { Estimator, Input } from "../../src/sklearn/estimator.js";
import "../../src/sklearn/index.js";
import { loadEstimatorFile } from "../../src/sklearn/load.js";

const HERE = import.meta.dirname;
const VENV = process.env.SKLEARN_VENV ?? "/work/venvs/sk1.9";
const PYTHON = join(VENV, "bin/python");
const DIR = process.env.BENCH_DIR ?? join(tmpdir(), "modelserve-bench-sklearn");
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const SINGLE_REPS = Number(process.env.SINGLE_REPS ?? 300);
const BATCH_REPS = Number(process.env.BATCH_REPS ?? 5);
const MODELS = [
  "logistic_regression",
  "random_forest_100",
  "hist_gradient_boosting_100",
  "pipeline_column_transformer",
];

function python(script: string, ...args: string[]): string {
  const r = spawnSync(PYTHON, [join(HERE, script), ...args], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

type Request = { op: "single" | "batch"; model: string; reps: number } | { op: "load"; reps: number };

/** time_sklearn.py, running: one request line in, one line of seconds out. */
async function startSklearn(): Promise<{
  version: string;
  time: (req: Request) => Promise<Timing>;
  stop: () => void;
}> {
  const child = spawn(PYTHON, [join(HERE, "time_sklearn.py"), DIR], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const line = await lines.next();
    if (line.done) throw new Error(`time_sklearn.py exited (${child.exitCode})`);
    return JSON.parse(line.value);
  };
  const ready = await next();
  return {
    version: String(ready.sklearn),
    time: async (req) => {
      child.stdin.write(`${JSON.stringify(req)}\n`);
      const answer = await next();
      return { wall: Number(answer.seconds), cpu: Number(answer.cpu) };
    },
    stop: () => child.stdin.end(),
  };
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

/** Wall and CPU seconds (CPU: user + system of the whole process). */
interface Timing {
  wall: number;
  cpu: number;
}

async function timed(fn: () => unknown): Promise<Timing> {
  const c = process.cpuUsage();
  const t = process.hrtime.bigint();
  const result = fn();
  if (result instanceof Promise) await result; // a sync call is timed without a microtask hop
  const wall = Number(process.hrtime.bigint() - t) / 1e9;
  const d = process.cpuUsage(c);
  return { wall, cpu: (d.user + d.system) / 1e6 };
}

/** Best wall and best CPU seconds of `reps` calls, as time_sklearn.py reports them. */
async function best(fn: () => unknown, reps: number): Promise<Timing> {
  const all: Timing[] = [];
  for (let i = 0; i < reps; i++) all.push(await timed(fn));
  return { wall: Math.min(...all.map((t) => t.wall)), cpu: Math.min(...all.map((t) => t.cpu)) };
}

/** One load in a fresh process of each side (`command` prints {"seconds", "cpu"}). */
function coldLoad(command: string, args: string[]): Timing {
  const r = spawnSync(command, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  const answer = JSON.parse(r.stdout);
  return { wall: Number(answer.seconds), cpu: Number(answer.cpu) };
}

function elapsed(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

const ours = {
  single: (est: Estimator, row: Input) =>
    median(Array.from({ length: SINGLE_REPS }, () => elapsed(() => est.call("predict", row)))),
  batch: (est: Estimator, X: Input) => best(() => est.call("predict", X), BATCH_REPS),
  load: () => best(() => loadEstimatorFile(join(DIR, "forest_100mb.pkl")), 1),
  coldLoad: () =>
    coldLoad(process.execPath, [
      "--import",
      "tsx",
      join(HERE, "load-once.ts"),
      join(DIR, "forest_100mb.pkl"),
    ]),
};
const skColdLoad = () => coldLoad(PYTHON, [join(HERE, "load_once.py"), join(DIR, "forest_100mb.pkl")]);

/** Per measure: our and scikit-learn's seconds of every round, and their ratio (> 1: we are faster). */
class Rounds {
  private readonly rows = new Map<string, { ours: number[]; sk: number[] }>();

  add(key: string, o: number, s: number): void {
    const r = this.rows.get(key) ?? { ours: [], sk: [] };
    r.ours.push(o);
    r.sk.push(s);
    this.rows.set(key, r);
  }

  get(key: string): { ours: number; sk: number; ratio: number } {
    const r = this.rows.get(key)!;
    return { ours: median(r.ours), sk: median(r.sk), ratio: median(r.sk.map((s, i) => s / r.ours[i])) };
  }
}

const fmt = (v: number, digits = 3) => (v < 10 ? v.toPrecision(digits) : v.toFixed(0));

async function main(): Promise<void> {
  if (!existsSync(join(DIR, "forest_100mb.pkl"))) {
    console.log(`training the benchmark models with ${PYTHON} into ${DIR} (once; about 2 minutes)…`);
    console.log(python("make_models.py", DIR).trim());
  }
  const sk = await startSklearn();
  const models = [];
  for (const name of MODELS) {
    models.push({ name, est: await loadEstimatorFile(join(DIR, `${name}.joblib`)), ...batchInput(name) });
  }
  const rounds = new Rounds();
  console.log(`scikit-learn ${sk.version}: 1 warm-up round, then ${ROUNDS} alternating rounds…`);
  for (let round = 0; round <= ROUNDS; round++) {
    const keep = (key: string, o: number, s: number) => round > 0 && rounds.add(key, o, s);
    const keepBoth = (key: string, o: Timing, s: Timing) => {
      keep(key, o.wall, s.wall);
      keep(`${key} cpu`, o.cpu, s.cpu);
    };
    for (const { name, est, X, row } of models) {
      const skSingle = await sk.time({ op: "single", model: name, reps: SINGLE_REPS });
      keep(`${name} single`, ours.single(est, row), skSingle.wall);
      const skBatch = await sk.time({ op: "batch", model: name, reps: BATCH_REPS });
      keepBoth(`${name} batch`, await ours.batch(est, X), skBatch);
    }
    const skLoad = await sk.time({ op: "load", reps: 1 });
    keepBoth("load", await ours.load(), skLoad);
    const skCold = skColdLoad();
    keepBoth("cold load", ours.coldLoad(), skCold);
  }
  sk.stop();

  const lines = [
    [
      "model",
      "single-row ms (ours / sklearn)",
      "speed-up",
      "goal ≥10x",
      "batch rows/s (ours / sklearn)",
      "ratio",
      "goal ≥1x",
      "CPU ratio",
    ],
  ];
  for (const { name, X } of models) {
    const rows = "kind" in X ? X.rows : X.shape[0];
    const single = rounds.get(`${name} single`);
    const batch = rounds.get(`${name} batch`);
    lines.push([
      name,
      `${fmt(single.ours * 1e3)} / ${fmt(single.sk * 1e3)}`,
      `${single.ratio.toFixed(1)}x`,
      single.ratio >= 10 ? "met" : "MISSED",
      `${fmt(rows / batch.ours)} / ${fmt(rows / batch.sk)}`,
      `${batch.ratio.toFixed(2)}x`,
      batch.ratio >= 1 ? "met" : "MISSED",
      `${rounds.get(`${name} batch cpu`).ratio.toFixed(2)}x`,
    ]);
  }
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  for (const l of lines) console.log(l.map((c, i) => c.padEnd(widths[i])).join("  "));
  for (const [key, what] of [
    ["load", "in the long-lived process, pickle.load"],
    ["cold load", "in a fresh process, pickle.load"],
  ]) {
    const load = rounds.get(key);
    const loadCpu = rounds.get(`${key} cpu`);
    console.log(
      `${key} of the ~100 MB forest: ours ${(load.ours * 1e3).toFixed(0)} ms, ${what} ${(load.sk * 1e3).toFixed(0)} ms → ${load.ratio.toFixed(2)}x (goal ≥1x: ${load.ratio >= 1 ? "met" : "MISSED"}); CPU ${(loadCpu.ours * 1e3).toFixed(0)} / ${(loadCpu.sk * 1e3).toFixed(0)} ms → ${loadCpu.ratio.toFixed(2)}x`,
    );
  }
}

await main();
