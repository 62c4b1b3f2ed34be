/**
 * Our side of the tree benchmark: loads the pickles bench.py wrote and times single-row predict and a
 * 10,000-row batch, printing them next to scikit-learn's figures (read from bench.py's JSON lines on stdin).
 * Usage: see run.sh.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { NDArray } from "../../src/pickle/values.js";
import "../../src/sklearn/index.js";
import { FLOAT64 } from "../../src/sklearn/common/dtypes.js";
import { loadEstimator } from "../../src/sklearn/load.js";

interface SklearnFigures {
  model: string;
  sklearn: string;
  single_s: number;
  batch_s: number;
  load_s: number;
  bytes: number;
}

function median(fn: () => void, repeat: number): number {
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    fn();
    times.push((performance.now() - t) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function asInput(rows: number[][]): NDArray {
  const cols = rows[0].length;
  return { dtype: FLOAT64, shape: [rows.length, cols], data: Float64Array.from(rows.flat()) };
}

const dir = process.argv[2];
const reference = readFileSync(0, "utf8")
  .split("\n")
  .filter((l) => l.startsWith("{"))
  .map((l) => JSON.parse(l) as SklearnFigures);
const X = JSON.parse(readFileSync(join(dir, "X.json"), "utf8")) as number[][];
const batch = asInput(X);
const single = asInput(X.slice(0, 1));
const fmt = (s: number) => (s < 1e-3 ? `${(s * 1e6).toFixed(1)} µs` : `${(s * 1e3).toFixed(2)} ms`);
console.log(
  `model                        figure       scikit-learn ${reference[0]?.sklearn ?? "?"}   modelserve   speed-up`,
);
for (const ref of reference) {
  const bytes = readFileSync(join(dir, `${ref.model}.pkl`));
  const load = median(() => loadEstimator(bytes), 5);
  const est = loadEstimator(bytes);
  for (let i = 0; i < 200; i++) est.call("predict", single); // JIT warm-up
  const one = median(() => est.call("predict", single), 2000);
  est.call("predict", batch);
  const many = median(() => est.call("predict", batch), 5);
  const line = (what: string, theirs: number, ours: number) =>
    console.log(
      `${ref.model.padEnd(28)} ${what.padEnd(12)} ${fmt(theirs).padStart(16)}   ${fmt(ours).padStart(10)}   ${(theirs / ours).toFixed(1)}x`,
    );
  line("single row", ref.single_s, one);
  line("10k batch", ref.batch_s, many);
  line(`load ${(ref.bytes / 1e6).toFixed(1)} MB`, ref.load_s, load);
}
