import { PickleError } from "./errors.js";
import { GlobalRef, Pending } from "./objects.js";
import { isPyTuple, type NDArray, type SparseMatrix } from "./values.js";

type Format = SparseMatrix["sparse"];

function fail(message: string): never {
  throw new PickleError(`invalid scipy.sparse matrix: ${message}`);
}

function isNDArray(v: unknown): v is NDArray {
  return typeof v === "object" && v !== null && "dtype" in v && "shape" in v && "data" in v;
}

function array(state: Map<unknown, unknown>, key: string): NDArray {
  const v = state.get(key);
  if (!isNDArray(v)) fail(`${key} must be a numpy array`);
  return v;
}

/** scipy pickles sparse matrices as plain objects: NEWOBJ of the class, BUILD with its `__dict__`. */
class SparseBuilder extends Pending {
  readonly what: string;

  constructor(private readonly format: Format) {
    super();
    this.what = `scipy.sparse ${format} matrix`;
  }

  build(state: unknown): SparseMatrix {
    if (!(state instanceof Map)) fail("state must be a dict");
    const shape = state.get("_shape");
    if (
      !isPyTuple(shape) ||
      shape.length !== 2 ||
      !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)
    ) {
      fail("_shape must be a pair of non-negative integers");
    }
    const base = {
      sparse: this.format,
      shape: [shape[0], shape[1]] as [number, number],
      data: array(state, "data"),
    };
    switch (this.format) {
      case "csr":
      case "csc":
        return { ...base, indices: array(state, "indices"), indptr: array(state, "indptr") };
      case "coo": {
        // scipy >= 1.13 keeps a `coords` tuple instead of row/col
        const coords = state.get("coords");
        if (isPyTuple(coords) && coords.length === 2 && isNDArray(coords[0]) && isNDArray(coords[1])) {
          return { ...base, row: coords[0], col: coords[1] };
        }
        return { ...base, row: array(state, "row"), col: array(state, "col") };
      }
      case "dia":
        return { ...base, offsets: array(state, "offsets") };
    }
  }
}

/** scipy moved the classes to private modules (scipy.sparse._csr) and added *_array twins; accept all. */
export function sparseGlobals(): Map<string, unknown> {
  const table = new Map<string, unknown>();
  for (const format of ["csr", "csc", "coo", "dia"] as const) {
    for (const kind of ["matrix", "array"]) {
      const cls = `${format}_${kind}`;
      const ref = new GlobalRef(`scipy.sparse.${cls}`, { construct: () => new SparseBuilder(format) });
      for (const module of ["scipy.sparse", `scipy.sparse.${format}`, `scipy.sparse._${format}`]) {
        table.set(`${module}.${cls}`, ref);
      }
    }
  }
  return table;
}
