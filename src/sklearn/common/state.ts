import type { NDArray, PyObject } from "../../pickle/values.js";
import {
  describeValue,
  isNDArray,
  isPyObject,
  stateMap,
  toFloat64,
  toInt32,
  toMatrix,
  toNumber,
} from "./convert.js";
import { EstimatorStateError } from "./errors.js";
import type { Matrix } from "./ndarray.js";

/**
 * Typed access to a pickled estimator's fitted attributes. Every getter fails with an error naming the
 * estimator and the attribute, so a model from an unexpected scikit-learn version says what it lacks.
 */
export class State {
  /** simple class name, for messages */
  readonly owner: string;
  readonly map: ReadonlyMap<string, unknown>;

  constructor(obj: PyObject) {
    this.owner = obj.cls.slice(obj.cls.lastIndexOf(".") + 1);
    this.map = stateMap(obj);
  }

  private what(key: string): string {
    return `${this.owner}.${key}`;
  }

  /** True when the key is present and not None. */
  has(key: string): boolean {
    const v = this.map.get(key);
    return v !== undefined && v !== null;
  }

  /** The raw value; throws when missing (None is returned as null). */
  get(key: string): unknown {
    if (!this.map.has(key)) {
      throw new EstimatorStateError(
        `${this.owner} has no attribute '${key}' in its pickle: is it fitted, and from a supported scikit-learn version?`,
      );
    }
    return this.map.get(key);
  }

  /** The raw value, or undefined when missing or None. */
  opt(key: string): unknown {
    const v = this.map.get(key);
    return v === null ? undefined : v;
  }

  array(key: string): NDArray {
    const v = this.get(key);
    if (!isNDArray(v)) throw this.typeError(key, v, "an array");
    return v;
  }

  f64(key: string): Float64Array {
    return toFloat64(this.get(key), this.what(key));
  }

  i32(key: string): Int32Array {
    return toInt32(this.get(key), this.what(key));
  }

  matrix(key: string): Matrix {
    return toMatrix(this.get(key), this.what(key));
  }

  number(key: string): number {
    return toNumber(this.get(key), this.what(key));
  }

  /** A number, or `fallback` when missing or None. */
  numberOr(key: string, fallback: number): number {
    return this.has(key) ? this.number(key) : fallback;
  }

  string(key: string): string {
    const v = this.get(key);
    if (typeof v !== "string") throw this.typeError(key, v, "a string");
    return v;
  }

  /** A string, or `fallback` when missing or None. */
  stringOr(key: string, fallback: string): string {
    return this.has(key) ? this.string(key) : fallback;
  }

  boolean(key: string): boolean {
    const v = this.get(key);
    if (typeof v === "boolean") return v;
    if (typeof v === "number" && (v === 0 || v === 1)) return v === 1;
    throw this.typeError(key, v, "a bool");
  }

  object(key: string): PyObject {
    const v = this.get(key);
    if (!isPyObject(v)) throw this.typeError(key, v, "an object");
    return v;
  }

  /**
   * The scikit-learn version that pickled the estimator (`_sklearn_version`) as [major, minor], for the few
   * places where scikit-learn changed the order of operations between releases; [0, 0] when absent.
   */
  version(): [number, number] {
    const v = this.map.get("_sklearn_version");
    const m = typeof v === "string" ? /^(\d+)\.(\d+)/.exec(v) : null;
    return m ? [Number(m[1]), Number(m[2])] : [0, 0];
  }

  /** Whether the pickling scikit-learn is at least major.minor. */
  versionAtLeast(major: number, minor: number): boolean {
    const [a, b] = this.version();
    return a > major || (a === major && b >= minor);
  }

  typeError(key: string, v: unknown, expected: string): EstimatorStateError {
    return new EstimatorStateError(`${this.what(key)} is ${describeValue(v)}, expected ${expected}`);
  }
}
