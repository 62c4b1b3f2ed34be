import { PickleError } from "./errors.js";
import { arrayFromBytes, checkShape } from "./numpy/array.js";
import { isDType } from "./numpy/dtype.js";
import { GlobalRef, Pending, type ReadContext } from "./objects.js";
import type { NDArray } from "./values.js";

function fail(message: string): never {
  throw new PickleError(`invalid joblib array: ${message}`);
}

/**
 * `joblib.numpy_pickle.NumpyArrayWrapper`: BUILD gives `{subclass, shape, order, dtype, allow_mmap,
 * numpy_array_alignment_bytes}`, and the array itself follows BUILD in the stream: a nested pickle for
 * object arrays, else (joblib >= 1.2) one padding-length byte and that much padding, then the raw bytes.
 */
class NumpyArrayWrapperBuilder extends Pending {
  readonly what = "joblib NumpyArrayWrapper";

  build(state: unknown, ctx: ReadContext): NDArray {
    if (!(state instanceof Map)) fail("wrapper state must be a dict");
    const subclass = state.get("subclass");
    if (!(subclass instanceof GlobalRef) || subclass.global !== "numpy.ndarray") {
      fail(
        `only numpy.ndarray is supported, not ${subclass instanceof GlobalRef ? subclass.global : String(subclass)}`,
      );
    }
    const dtype = state.get("dtype");
    if (!isDType(dtype)) fail("wrapper has no dtype");
    const order = state.get("order");
    if (order !== "C" && order !== "F") fail(`order must be 'C' or 'F', not ${String(order)}`);
    const { shape, count } = checkShape(state.get("shape"));
    if (dtype.kind === "O") {
      const nested = ctx.readNested();
      if (typeof nested !== "object" || nested === null || !("dtype" in nested)) {
        fail("an object array's nested pickle did not hold an array");
      }
      return nested as NDArray;
    }
    if (state.has("numpy_array_alignment_bytes")) {
      const padding = ctx.readRaw(1, "joblib alignment padding length")[0];
      ctx.readRaw(padding, "joblib alignment padding");
    }
    const raw = ctx.readRaw(
      count * dtype.itemsize,
      `joblib array data of ${count} × ${dtype.itemsize} bytes`,
    );
    return arrayFromBytes(dtype, shape, raw, order === "F", ctx.budget);
  }
}

/** joblib < 0.10 kept arrays in separate .npy files next to the pickle, or zlib-compressed with a ZF header. */
export function refuseOldJoblib(): never {
  throw new PickleError(
    "the file was written by joblib < 0.10, which keeps arrays outside the pickle: load it with Python and " +
      "save it again with a recent joblib",
  );
}

export function joblibGlobals(): Map<string, unknown> {
  const name = "joblib.numpy_pickle.NumpyArrayWrapper";
  const wrapper = new GlobalRef(name, { construct: () => new NumpyArrayWrapperBuilder() });
  const table = new Map<string, unknown>([[name, wrapper]]);
  for (const old of ["NDArrayWrapper", "ZNDArrayWrapper"]) {
    for (const module of ["joblib.numpy_pickle", "sklearn.externals.joblib.numpy_pickle"]) {
      table.set(
        `${module}.${old}`,
        new GlobalRef(`${module}.${old}`, { construct: refuseOldJoblib, call: refuseOldJoblib }),
      );
    }
  }
  return table;
}

/** The header of joblib < 0.10 compressed files ("ZF" then the length in hex). */
export function isOldJoblibCompressed(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x5a && bytes[1] === 0x46;
}
