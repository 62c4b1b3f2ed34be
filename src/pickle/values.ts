/**
 * The values a pickle decodes to. This is the contract between the safe reader (src/pickle) and the
 * estimators (src/sklearn): the reader never builds estimator objects itself, it builds these plain
 * values, and the estimator registry turns allow-listed PyObjects into TypeScript estimators.
 *
 * Python → TypeScript:
 *   None → null; bool → boolean; int → number (bigint when outside ±2^53); float → number;
 *   str → string; bytes/bytearray → Uint8Array; list → unknown[]; tuple → PyTuple (a frozen array);
 *   set/frozenset → Set; dict → Map (keys as decoded: strings, numbers, tuples…);
 *   numpy.ndarray → NDArray; numpy scalar → number | bigint | boolean | string; numpy.dtype → DType;
 *   instance of an allow-listed class → PyObject.
 */

/** numpy's dtype, as read from the pickle (never hard-coded offsets: structured fields carry their own). */
export interface DType {
  /** numpy kind character: b (bool), i (signed), u (unsigned), f (float), c (complex), O (object), U (unicode), S (bytes), V (void/structured) */
  readonly kind: "b" | "i" | "u" | "f" | "c" | "O" | "U" | "S" | "V";
  /** bytes per element */
  readonly itemsize: number;
  /** '<' little, '>' big, '|' not applicable */
  readonly byteorder: "<" | ">" | "|";
  /** structured dtypes: field name → its dtype and byte offset inside the record, in declaration order */
  readonly fields?: ReadonlyArray<{ readonly name: string; readonly dtype: DType; readonly offset: number }>;
  /** the numpy string form, e.g. "<f8", "|b1", "<U5", "|O" */
  readonly str: string;
}

/** The typed storage an NDArray uses for its kind and itemsize. */
export type NumericStorage =
  | Float64Array
  | Float32Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

/**
 * A numpy array, always stored in C (row-major) order and native byte order, whatever the file had.
 * - numeric kinds: `data` is the typed array for the dtype (f2 is widened to Float32Array, c8/c16 are refused);
 * - bool: Uint8Array of 0/1;
 * - object, unicode, bytes: `data` is an unknown[] of decoded values (strings for U, Uint8Array for S);
 * - structured (V with fields): `data` is undefined and `fields` holds one NDArray per field, same shape.
 */
export interface NDArray {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: NumericStorage | unknown[];
  readonly fields?: ReadonlyMap<string, NDArray>;
}

/** A Python tuple: a frozen array, distinguishable from a list. */
export type PyTuple = readonly unknown[] & { readonly __tuple__: true };

/**
 * An instance of an allow-listed class, as the pickle built it: `cls` is "module.QualName" as written in the
 * file (e.g. "sklearn.linear_model._logistic.LogisticRegression"), `args` what NEWOBJ/REDUCE passed,
 * `state` what BUILD set (for scikit-learn estimators, the instance `__dict__`, keys are strings).
 * Only classes that `pickle/allowlist` accepts can ever become a PyObject.
 */
export interface PyObject {
  readonly cls: string;
  readonly args: readonly unknown[];
  state: unknown;
  /** items appended with APPEND(S)/SETITEM(S) on a non-list/dict object (rare: list/dict subclasses) */
  readonly items?: unknown[];
}
