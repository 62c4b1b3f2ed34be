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
 *   instance of an allow-listed class → PyObject; a class or function named but not called → PyGlobalRef;
 *   an allow-listed numpy ufunc → NumpyUfunc; slice → PySlice; scipy.sparse matrix/array → SparseMatrix;
 *   collections.OrderedDict/defaultdict → Map.
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
 * - structured (V with fields): `data` is an empty array and `fields` holds one NDArray per field, same shape;
 * - void without fields (raw V<n>): `data` is an unknown[] of Uint8Array records.
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
 * Only classes that the reader's allow-list accepts (src/pickle/globals.ts and its ClassPolicy) can become one.
 */
export interface PyObject {
  readonly cls: string;
  readonly args: readonly unknown[];
  state: unknown;
  /**
   * items appended with APPEND(S)/SETITEM(S) on a non-list/dict object (rare: list/dict subclasses such as
   * sklearn.utils.Bunch); SETITEM(S) items are [key, value] PyTuples
   */
  readonly items?: unknown[];
}

/** Whether a decoded value is a Python tuple (as opposed to a list). */
export function isPyTuple(value: unknown): value is PyTuple {
  return Array.isArray(value) && (value as { __tuple__?: boolean }).__tuple__ === true;
}

/** Makes a PyTuple of `items` (takes ownership of the array). */
export function makePyTuple(items: unknown[]): PyTuple {
  Object.defineProperty(items, "__tuple__", { value: true });
  return Object.freeze(items) as unknown as PyTuple;
}

/**
 * A class or function the pickle names as a value without calling it, e.g. `dtype=numpy.float64`
 * ("numpy.float64"), `dtype=float` ("builtins.float"), `score_func=f_classif` (its sklearn path). Only
 * allow-listed names ever get here.
 */
export interface PyGlobalRef {
  readonly global: string;
}

/** A well-known numpy ufunc referenced by an estimator (FunctionTransformer(func=numpy.log1p)): its name. */
export interface NumpyUfunc {
  readonly ufunc: string;
}

/** A Python slice object (ColumnTransformer column selections): bounds as pickled, null when omitted. */
export interface PySlice {
  readonly slice: true;
  readonly start: number | null;
  readonly stop: number | null;
  readonly step: number | null;
}

/**
 * A scipy.sparse matrix or array (csr/csc/coo/dia, `*_matrix` and `*_array` alike), with scipy's own arrays:
 * csr: `indices` are column indices and `indptr` row pointers; csc: the transpose; coo: `row`/`col`;
 * dia: `offsets` and `data` of shape (n_diagonals, width).
 */
export interface SparseMatrix {
  readonly sparse: "csr" | "csc" | "coo" | "dia";
  readonly shape: readonly [number, number];
  readonly data: NDArray;
  readonly indices?: NDArray;
  readonly indptr?: NDArray;
  readonly row?: NDArray;
  readonly col?: NDArray;
  readonly offsets?: NDArray;
}
