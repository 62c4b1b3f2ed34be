import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NDArray } from "../../src/pickle/values.js";
import { FLOAT64 } from "../../src/sklearn/common/dtypes.js";
import {
  crashPoolWorkerForTest,
  lastPoolBatch,
  parallelOptions,
  poolReady,
  resetPoolForTest,
  setParallelOptions,
} from "../../src/sklearn/ensemble/parallel.js";
import type { Estimator, Method } from "../../src/sklearn/estimator.js";
import { loadEstimator } from "../../src/sklearn/load.js";
import { decodeArray, FIXTURES, type FixtureCase } from "./harness.js";

/**
 * The tree pool (src/sklearn/ensemble/parallel.ts): batches split over worker threads give exactly what one
 * thread gives, NaN rows included, and a worker that crashes holding rows costs time, not the answer.
 */

function fixture(name: string): { est: Estimator; X: NDArray } {
  const dir = join(FIXTURES, "1.9.1", "ensemble");
  const est = loadEstimator(readFileSync(join(dir, `${name}.pkl`)));
  const spec = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as FixtureCase;
  const input = spec.input;
  return { est, X: decodeArray({ dtype: input.dtype!, shape: input.shape!, data: input.data! }) };
}

/**
 * A batch of `rows` rows from the fixture's rows, each value nudged by a seeded random amount (so that rows
 * reach many leaves) and, where `nanEvery` says, made NaN.
 */
function bigBatch(X: NDArray, rows: number, nanEvery = 0): NDArray {
  const [n, cols] = X.shape;
  const src = X.data as Float64Array;
  const data = new Float64Array(rows * cols);
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < rows * cols; i++) {
    const v = src[(((i / cols) | 0) % n) * cols + (i % cols)];
    data[i] = nanEvery > 0 && i % nanEvery === 0 ? Number.NaN : v * (0.9 + 0.2 * random());
  }
  return { dtype: FLOAT64, shape: [rows, cols], data };
}

function sameValues(a: NDArray, b: NDArray): boolean {
  const x = a.data as ArrayLike<unknown>;
  const y = b.data as ArrayLike<unknown>;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

function onOneThread<T>(fn: () => T): T {
  const saved = parallelOptions();
  // no batch is big enough: the pool stays (ready) but is not used
  setParallelOptions({ minSteps: Number.POSITIVE_INFINITY });
  try {
    return fn();
  } finally {
    setParallelOptions(saved);
  }
}

const ROWS = 6000;
const CASES: [string, Method[], number][] = [
  ["rf_clf_iris", ["predict", "predict_proba"], 0],
  ["rf_clf_iris_nan", ["predict_proba"], 7],
  ["rf_reg_diabetes", ["predict"], 0],
  ["rf_reg_diabetes_multioutput", ["predict"], 0],
  ["hgb_clf_iris_multiclass", ["predict_proba", "decision_function"], 0],
  ["hgb_clf_bc", ["predict_proba"], 0],
  ["hgb_reg_diabetes_nan", ["predict"], 5],
  // GradientBoosting: each row starts from its init estimator's raw prediction
  ["gb_clf_bc", ["predict_proba"], 0],
  ["gb_clf_iris_multiclass", ["decision_function"], 0],
  ["gb_reg_diabetes_huber", ["predict"], 0],
];

describe("tree ensembles on the pool", () => {
  beforeAll(async () => {
    resetPoolForTest();
    setParallelOptions({ threads: 3, minSteps: 0 });
    await poolReady();
  });
  afterAll(() => {
    resetPoolForTest();
    setParallelOptions({ threads: 1 });
  });

  for (const [name, methods, nanEvery] of CASES) {
    for (const method of methods) {
      it(`${name}.${method}: the pool's answer is the one thread's, bit for bit${nanEvery ? " (NaN rows)" : ""}`, () => {
        const { est, X } = fixture(name);
        const batch = bigBatch(X, ROWS, nanEvery);
        const single = onOneThread(() => est.call(method, batch));
        // the workers may be too slow to claim rows before the caller has them all: try until they did some
        for (let attempt = 0; attempt < 50; attempt++) {
          const pooled = est.call(method, batch) as NDArray;
          expect(pooled.shape).toEqual((single as NDArray).shape);
          expect(sameValues(pooled, single as NDArray)).toBe(true);
          if ((lastPoolBatch()?.byWorkers ?? 0) > 0) return;
        }
        throw new Error("the workers computed no chunk in 50 batches");
      });
    }
  }

  it("also splits batches of a few rows, fewer than a chunk", () => {
    const { est, X } = fixture("rf_clf_iris_nan");
    const single = onOneThread(() => est.call("predict_proba", X));
    expect(sameValues(est.call("predict_proba", X) as NDArray, single as NDArray)).toBe(true);
    expect(lastPoolBatch()?.chunks).toBe(1);
  });

  it("a worker that crashes holding rows: the caller computes them, then turns the pool off with a warning", async () => {
    const { est, X } = fixture("rf_reg_diabetes");
    const batch = bigBatch(X, ROWS);
    const single = onOneThread(() => est.call("predict", batch));
    const warned = new Promise<Error>((resolve) => process.once("warning", resolve));
    crashPoolWorkerForTest();
    expect(sameValues(est.call("predict", batch) as NDArray, single as NDArray)).toBe(true);
    const warning = await warned;
    expect(warning.message).toMatch(/tree worker thread .*one thread from now on/);
    // the pool is off: later batches run on this thread alone
    const before = lastPoolBatch();
    expect(sameValues(est.call("predict", batch) as NDArray, single as NDArray)).toBe(true);
    expect(lastPoolBatch()).toBe(before);
  });
});

describe("tree pool settings", () => {
  it("uses one thread inside worker threads (the server's parallel_workers), whatever MODELSERVE_THREADS says", async () => {
    const url = new URL("../../src/sklearn/ensemble/parallel.ts", import.meta.url).href;
    const code = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(url)}); })
      .then((m) => require("node:worker_threads").parentPort.postMessage(m.parallelOptions().threads));`;
    const worker = new Worker(code, {
      eval: true,
      execArgv: [],
      env: { ...process.env, MODELSERVE_THREADS: "4" },
    });
    const threads = await new Promise((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    await worker.terminate();
    expect(threads).toBe(1);
  });

  it("does not keep the process alive, and MODELSERVE_THREADS=1 turns the pool off", () => {
    const script = `
      import { readFileSync } from "node:fs";
      import "./src/sklearn/index.ts";
      import { loadEstimator } from "./src/sklearn/load.ts";
      import { lastPoolBatch, setParallelOptions } from "./src/sklearn/ensemble/parallel.ts";
      const est = loadEstimator(readFileSync("fixtures/sklearn/1.9.1/ensemble/rf_clf_iris.pkl"));
      setParallelOptions({ minSteps: 0 });
      const X = { dtype: { kind: "f", itemsize: 8, byteorder: "<", str: "<f8" }, shape: [2, 4], data: Float64Array.of(5, 3, 1, 0.2, 6, 3, 5, 2) };
      est.call("predict", X);
      console.log(JSON.stringify(lastPoolBatch() ?? null));`;
    const run = (threads: string) =>
      spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        cwd: join(import.meta.dirname, "../.."),
        env: { ...process.env, MODELSERVE_THREADS: threads },
        encoding: "utf8",
        timeout: 60_000,
      });
    const pooled = run("2");
    expect(pooled.status, pooled.stderr).toBe(0);
    expect(JSON.parse(pooled.stdout)).toMatchObject({ chunks: 1 });
    const single = run("1");
    expect(single.status, single.stderr).toBe(0);
    expect(JSON.parse(single.stdout)).toBeNull();
  });
});
