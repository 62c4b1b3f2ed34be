/**
 * Our side of the tree benchmark (see run.sh).
 *   bench.ts time DIR     loads DIR/<model>.pkl, times single-row predict, the 10,000-row batch of DIR/X.json
 *                         and loading; one JSON line (seconds) per model, like bench.py
 *   bench.ts report DIR   the best round of each side from DIR/{sklearn,modelserve}.jsonl, side by side
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { NDArray } from "../../src/pickle/values.js";
import "../../src/sklearn/index.js";
import { FLOAT64 } from "../../src/sklearn/common/dtypes.js";
import { loadEstimator } from "../../src/sklearn/load.js";

interface Figures {
  model: string;
  sklearn?: string;
  single_s: number;
  batch_s: number;
  load_s: number;
  bytes: number;
}

const MODELS = ["random_forest_100", "hist_gradient_boosting_100", "gradient_boosting_100"];

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
  return { dtype: FLOAT64, shape: [rows.length, rows[0].length], data: Float64Array.from(rows.flat()) };
}

function time(dir: string): void {
  const X = JSON.parse(readFileSync(join(dir, "X.json"), "utf8")) as number[][];
  const batch = asInput(X);
  const single = asInput(X.slice(0, 1));
  for (const model of MODELS) {
    const bytes = readFileSync(join(dir, `${model}.pkl`));
    const load_s = median(() => loadEstimator(bytes), 5);
    const est = loadEstimator(bytes);
    for (let i = 0; i < 200; i++) est.call("predict", single); // JIT warm-up
    const single_s = median(() => est.call("predict", single), 2000);
    est.call("predict", batch);
    const batch_s = median(() => est.call("predict", batch), 5);
    console.log(JSON.stringify({ model, single_s, batch_s, load_s, bytes: bytes.length }));
  }
}

function best(file: string): Map<string, Figures> {
  const out = new Map<string, Figures>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.startsWith("{")) continue;
    const f = JSON.parse(line) as Figures;
    const prev = out.get(f.model);
    out.set(
      f.model,
      prev === undefined
        ? f
        : {
            ...prev,
            single_s: Math.min(prev.single_s, f.single_s),
            batch_s: Math.min(prev.batch_s, f.batch_s),
            load_s: Math.min(prev.load_s, f.load_s),
          },
    );
  }
  return out;
}

function report(dir: string): void {
  const theirs = best(join(dir, "sklearn.jsonl"));
  const ours = best(join(dir, "modelserve.jsonl"));
  const fmt = (s: number) => (s < 1e-3 ? `${(s * 1e6).toFixed(1)} µs` : `${(s * 1e3).toFixed(2)} ms`);
  const version = [...theirs.values()][0]?.sklearn ?? "?";
  console.log(`model                        figure          scikit-learn ${version}   modelserve   ratio`);
  for (const model of MODELS) {
    const t = theirs.get(model);
    const o = ours.get(model);
    if (t === undefined || o === undefined) continue;
    const line = (what: string, a: number, b: number) =>
      console.log(
        `${model.padEnd(28)} ${what.padEnd(15)} ${fmt(a).padStart(18)}   ${fmt(b).padStart(10)}   ${(a / b).toFixed(1)}x`,
      );
    line("single row", t.single_s, o.single_s);
    line("10k-row batch", t.batch_s, o.batch_s);
    line(`load ${(t.bytes / 1e6).toFixed(1)} MB`, t.load_s, o.load_s);
  }
}

const [mode, dir] = process.argv.slice(2);
if (mode === "time") time(dir);
else if (mode === "report") report(dir);
else throw new Error("usage: bench.ts time|report DIR");
