import { readFileSync } from "node:fs";
import { ErrorCodes, isModelserveError, ModelserveError } from "../errors.js";
import { PickleError } from "../pickle/errors.js";
import { type ClassPolicy, readJoblib } from "../pickle/index.js";
import { defaultLimits } from "../pickle/limits.js";
import { isPyTuple, makePyTuple, type NDArray, type PyObject } from "../pickle/values.js";
import { type Estimator, type EstimatorFactory, factoryFor, registeredClassNames } from "./estimator.js";

/** The scikit-learn registry is the allow-list for sklearn.* classes (and any class a module registered). */
const sklearnPolicy: ClassPolicy = {
  isAllowed: (cls) => factoryFor(cls) !== undefined,
  get supported() {
    return `Supported scikit-learn classes: ${registeredClassNames().join(", ") || "(none registered)"}.`;
  },
};

function isPyObject(v: unknown): v is PyObject {
  return typeof v === "object" && v !== null && "cls" in v && "args" in v && "state" in v && !("call" in v);
}

function isNDArray(v: unknown): v is NDArray {
  return typeof v === "object" && v !== null && "dtype" in v && "shape" in v && "data" in v;
}

/**
 * Turns every PyObject whose class has a factory into what the factory returns, bottom-up: nested values
 * (pipeline steps, sub-estimators, trees in object arrays) are hydrated before their owner's factory runs.
 * Shared references stay shared; a cycle is returned as it was.
 */
class Hydrator {
  private readonly done = new Map<object, unknown>();
  private readonly inProgress = new Set<object>();

  constructor(private readonly maxDepth: number) {}

  readonly hydrate = (value: unknown): unknown => this.visit(value, 0);

  private visit(value: unknown, depth: number): unknown {
    if (typeof value !== "object" || value === null) return value;
    const cached = this.done.get(value);
    if (cached !== undefined) return cached;
    if (this.inProgress.has(value)) return value;
    if (depth > this.maxDepth) {
      throw new PickleError(`the model nests values more than ${this.maxDepth} levels deep`);
    }
    this.inProgress.add(value);
    const out = this.transform(value, depth + 1);
    this.inProgress.delete(value);
    this.done.set(value, out);
    return out;
  }

  private transform(value: object, depth: number): unknown {
    const next = (v: unknown) => this.visit(v, depth);
    if (Array.isArray(value)) {
      const items = value.map(next);
      return isPyTuple(value) ? makePyTuple(items) : items;
    }
    if (value instanceof Map) {
      const out = new Map<unknown, unknown>();
      for (const [k, v] of value) out.set(next(k), next(v));
      return out;
    }
    if (value instanceof Set) {
      const out = new Set<unknown>();
      for (const v of value) out.add(next(v));
      return Object.isFrozen(value) ? Object.freeze(out) : out;
    }
    if (isNDArray(value)) {
      if (value.dtype.kind !== "O" || !Array.isArray(value.data)) return value;
      return { ...value, data: value.data.map(next) };
    }
    if (isPyObject(value)) {
      const obj: PyObject = {
        cls: value.cls,
        args: value.args.map(next),
        state: next(value.state),
        ...(value.items ? { items: value.items.map(next) } : {}),
      };
      const factory = factoryFor(value.cls);
      return factory ? build(factory, obj, this.hydrate) : obj;
    }
    return value;
  }
}

/**
 * Runs a factory. Its own typed errors pass through; anything else (a state it could not make sense of)
 * becomes a load failure naming the class, so a corrupt file never surfaces as a bare TypeError.
 */
function build(factory: EstimatorFactory, obj: PyObject, hydrate: (value: unknown) => unknown): unknown {
  try {
    return factory(obj, hydrate);
  } catch (e) {
    if (isModelserveError(e)) throw e;
    throw new ModelserveError(
      ErrorCodes.MODEL_LOAD_FAILED,
      `cannot build ${obj.cls} from its pickled state: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
}

function isEstimator(v: unknown): v is Estimator {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as Estimator).call === "function" &&
    (v as Estimator).methods instanceof Set
  );
}

function describeTop(v: unknown): string {
  if (isPyObject(v)) return `a ${v.cls} object`;
  if (v === null) return "None";
  if (Array.isArray(v)) return isPyTuple(v) ? "a tuple" : "a list";
  if (v instanceof Map) return "a dict";
  if (isNDArray(v)) return "a numpy array";
  return `a ${typeof v}`;
}

/**
 * Reads a scikit-learn model from pickle or joblib bytes (compressed or not, told by the magic bytes) and
 * builds the TypeScript estimator. Only registered classes are accepted; nothing from the file runs.
 */
export function loadEstimator(bytes: Uint8Array): Estimator {
  const raw = readJoblib(bytes, { classes: sklearnPolicy });
  const top = new Hydrator(defaultLimits(bytes.length).maxDepth).hydrate(raw);
  if (!isEstimator(top)) {
    throw new ModelserveError(
      ErrorCodes.MODEL_UNSUPPORTED,
      `the file holds ${describeTop(top)}, not a scikit-learn estimator`,
    );
  }
  return top;
}

/**
 * Reads `path` and loads the estimator in it (see loadEstimator). The file is read in one synchronous call:
 * the parse that follows holds the event loop longer anyway, and fs.promises would read a large model in
 * 512 KiB round trips through the thread pool (a 100 MB forest: about a third of the load time, idle).
 */
export async function loadEstimatorFile(path: string): Promise<Estimator> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new ModelserveError(
      ErrorCodes.MODEL_LOAD_FAILED,
      `cannot read model file ${path}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  return loadEstimator(bytes);
}
