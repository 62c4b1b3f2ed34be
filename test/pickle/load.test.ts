import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ErrorCodes, type ModelserveError } from "../../src/errors.js";
import { ForbiddenGlobalError } from "../../src/pickle/index.js";
import { isPyTuple, type NDArray, type PyObject } from "../../src/pickle/values.js";
import { type Estimator, registerClass } from "../../src/sklearn/estimator.js";
import { loadEstimator, loadEstimatorFile } from "../../src/sklearn/load.js";

const DIR = join(import.meta.dirname, "../../fixtures/pickle/numpy-2.4.6");

interface TestTree {
  readonly tree: true;
  readonly args: readonly unknown[];
  readonly nodes: NDArray;
}

/** What the test factories received, to check hydration order and sharing. */
const seen: { estimator?: PyObject; trees: number } = { trees: 0 };

registerClass("PickleTestTree", (obj): TestTree => {
  seen.trees++;
  return { tree: true, args: obj.args, nodes: (obj.state as Map<string, NDArray>).get("nodes")! };
});
registerClass("PickleTestUnregistered", () => {
  throw new TypeError("cannot read properties of undefined");
});
registerClass("PickleTestEstimator", (obj): Estimator => {
  seen.estimator = obj;
  return {
    cls: obj.cls,
    methods: new Set(["predict"]),
    call: () => (obj.state as Map<string, NDArray>).get("coef_")!,
  };
});

describe("loadEstimator", () => {
  it.each([
    "estimator.p0.pkl",
    "estimator.p2.pkl",
    "estimator.p4.pkl",
    "estimator.p5.pkl",
    "estimator.joblib",
    "estimator.joblib.lz4",
    "estimator.joblib.xz",
    "estimator.cloudpickle.pkl",
  ])("hydrates %s bottom-up through the registered factories", (file) => {
    seen.trees = 0;
    const est = loadEstimator(readFileSync(join(DIR, file)));
    expect(est.cls).toBe("sklearn.modelserve_pickle_test.PickleTestEstimator");
    expect([...est.methods]).toEqual(["predict"]);
    expect(Array.from(est.call("predict", est.call("predict", {} as never)).data as Float64Array)).toEqual([
      1, -2, 0.5, 0.25,
    ]);
    const state = seen.estimator!.state as Map<string, unknown>;
    const tree = state.get("tree_") as TestTree;
    // the nested object was hydrated before its owner's factory ran, once, and stays shared
    expect(tree.tree).toBe(true);
    expect(seen.trees).toBe(1);
    const steps = state.get("steps") as unknown[];
    expect(isPyTuple(steps[0])).toBe(true);
    expect((steps[0] as unknown[])[1]).toBe(tree);
    expect(Array.from(tree.nodes.fields!.get("threshold")!.data as Float64Array)).toEqual([0.5, -2, -2]);
    expect(state.get("func")).toEqual({ ufunc: "log1p" });
    expect(state.get("dtype")).toMatchObject({ global: "numpy.float64" });
  });

  it("reports a factory that cannot make sense of a state as MODEL_LOAD_FAILED naming the class", () => {
    const bytes = readFileSync(join(DIR, "unregistered.p4.pkl"));
    expect(() => loadEstimator(bytes)).toThrow(
      expect.objectContaining({
        code: ErrorCodes.MODEL_LOAD_FAILED,
        message: expect.stringMatching(
          /cannot build sklearn\.modelserve_pickle_test\.PickleTestUnregistered/,
        ),
      }),
    );
  });

  it("refuses an unknown scikit-learn class, naming it and listing the supported ones", () => {
    // the same file with the class renamed (same length) to one that nothing registered
    const text = readFileSync(join(DIR, "unregistered.p4.pkl")).toString("latin1");
    const bytes = Buffer.from(text.replace("PickleTestUnregistered", "PickleTestUnregisterXX"), "latin1");
    let error: unknown;
    try {
      loadEstimator(bytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ForbiddenGlobalError);
    expect((error as ModelserveError).code).toBe(ErrorCodes.PICKLE_FORBIDDEN_GLOBAL);
    expect((error as Error).message).toMatch(
      /references sklearn\.modelserve_pickle_test\.PickleTestUnregisterXX,/,
    );
    expect((error as Error).message).toMatch(
      /Supported scikit-learn classes: .*PickleTestEstimator, PickleTestTree, PickleTestUnregistered/,
    );
  });

  it("refuses a file whose top-level value is not an estimator", () => {
    const bytes = readFileSync(join(DIR, "arrays.p4.pkl"));
    expect(() => loadEstimator(bytes)).toThrow(/holds a dict, not a scikit-learn estimator/);
  });

  it("refuses values nested deeper than the limit instead of overflowing the stack", () => {
    // [[[[...]]]] 100,000 deep: legal for the stack machine, but nothing may walk it recursively
    const depth = 100_000;
    const bytes = new Uint8Array(2 + depth + (depth - 1) + 1);
    bytes.set([0x80, 0x02]);
    bytes.fill(0x5d, 2, 2 + depth); // EMPTY_LIST
    bytes.fill(0x61, 2 + depth, 2 + depth + depth - 1); // APPEND
    bytes[bytes.length - 1] = 0x2e; // STOP
    expect(() => loadEstimator(bytes)).toThrow(/nests values more than \d+ levels deep/);
  });

  it("keeps a self-referencing structure as it is and says it is no estimator", () => {
    const bytes = readFileSync(join(DIR, "../hostile/self_reference.pkl"));
    expect(() => loadEstimator(bytes)).toThrow(/holds a list, not a scikit-learn estimator/);
  });

  it("reports an unreadable path as MODEL_LOAD_FAILED", async () => {
    await expect(loadEstimatorFile(join(DIR, "missing.pkl"))).rejects.toMatchObject({
      code: ErrorCodes.MODEL_LOAD_FAILED,
    });
  });

  it("loads from a path", async () => {
    const est = await loadEstimatorFile(join(DIR, "estimator.joblib.bz2"));
    expect(est.cls).toBe("sklearn.modelserve_pickle_test.PickleTestEstimator");
  });
});
