import { PickleError } from "../errors.js";
import { type GlobalBehaviour, GlobalRef, Pending, type ReadContext } from "../objects.js";
import { makePyObject } from "../reader.js";
import { encodeLatin1 } from "../strings.js";
import type { DType, NDArray, NumpyUfunc } from "../values.js";
import { arrayFromBytes, objectArray } from "./array.js";
import { DTypeBuilder, isDType } from "./dtype.js";

function fail(message: string): never {
  throw new PickleError(`invalid numpy data: ${message}`);
}

/** Raw array data: bytes, or a Python 2 str / latin-1 text that a protocol-0 writer produced. */
function rawBytes(data: unknown, what: string): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data === "string") {
    const bytes = encodeLatin1(data);
    if (bytes) return bytes;
  }
  fail(`${what} must be bytes`);
}

function asDType(v: unknown): DType {
  if (!isDType(v)) fail("expected a numpy dtype");
  return v;
}

/** `_reconstruct(ndarray, (0,), b'b')` then BUILD with `(version, shape, dtype, is_fortran, data)`. */
class ArrayBuilder extends Pending {
  readonly what = "numpy array";

  build(state: unknown, ctx: ReadContext): NDArray {
    if (!Array.isArray(state) || (state.length !== 5 && state.length !== 4))
      fail("ndarray state must be a 5-tuple");
    const [shape, dtype, fortran, data] = state.length === 5 ? state.slice(1) : state;
    const dt = asDType(dtype);
    if (dt.kind === "O") return objectArray(dt, shape, data);
    return arrayFromBytes(dt, shape, rawBytes(data, "array data"), fortran === true, ctx.budget);
  }
}

function reconstruct(args: readonly unknown[]): ArrayBuilder {
  const [subtype] = args;
  if (!(subtype instanceof GlobalRef) || subtype.global !== "numpy.ndarray") {
    fail(
      `only numpy.ndarray can be reconstructed, not ${subtype instanceof GlobalRef ? subtype.global : typeof subtype}`,
    );
  }
  return new ArrayBuilder();
}

/** Protocol 5: `_frombuffer(buffer, dtype, shape, order)`. */
function frombuffer(args: readonly unknown[], ctx: ReadContext): NDArray {
  const [buf, dtype, shape, order] = args;
  if (order !== "C" && order !== "F") fail(`array order must be 'C' or 'F', not ${String(order)}`);
  return arrayFromBytes(asDType(dtype), shape, rawBytes(buf, "array buffer"), order === "F", ctx.budget);
}

/** `scalar(dtype, bytes)`: a numpy scalar, decoded to a JS number/bigint/boolean/string. */
function scalar(args: readonly unknown[], ctx: ReadContext): unknown {
  const dt = asDType(args[0]);
  if (dt.kind === "O") return args[1];
  const arr = arrayFromBytes(dt, [], rawBytes(args[1], "scalar data"), false, ctx.budget);
  if (arr.fields) fail("structured scalars are not supported");
  const v = (arr.data as ArrayLike<unknown>)[0];
  if (dt.kind === "b") return v === 1;
  if (typeof v === "bigint" && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) {
    return Number(v);
  }
  return v;
}

/** Ufuncs an estimator may reference (FunctionTransformer(func=numpy.log1p)); the estimators implement them. */
export const ALLOWED_UFUNCS: ReadonlySet<string> = new Set([
  "abs",
  "absolute",
  "negative",
  "positive",
  "reciprocal",
  "sign",
  "square",
  "sqrt",
  "cbrt",
  "exp",
  "exp2",
  "expm1",
  "log",
  "log2",
  "log10",
  "log1p",
  "sin",
  "cos",
  "tan",
  "arcsin",
  "arccos",
  "arctan",
  "sinh",
  "cosh",
  "tanh",
  "arcsinh",
  "arccosh",
  "arctanh",
  "floor",
  "ceil",
  "rint",
  "trunc",
  "fabs",
  "deg2rad",
  "rad2deg",
  "degrees",
  "radians",
]);

function ufunc(name: string): NumpyUfunc {
  if (!ALLOWED_UFUNCS.has(name)) {
    throw new PickleError(
      `numpy ufunc ${name} is not supported (supported: ${[...ALLOWED_UFUNCS].sort().join(", ")})`,
    );
  }
  return { ufunc: name };
}

/** numpy scalar types an estimator may keep as a parameter (`dtype=numpy.float64`): references only. */
const SCALAR_TYPES = [
  "float16",
  "float32",
  "float64",
  "double",
  "single",
  "half",
  "longdouble",
  "int8",
  "int16",
  "int32",
  "int64",
  "intc",
  "intp",
  "int_",
  "longlong",
  "short",
  "byte",
  "uint8",
  "uint16",
  "uint32",
  "uint64",
  "uintc",
  "uintp",
  "uint",
  "ulonglong",
  "ushort",
  "ubyte",
  "bool_",
  "bool",
  "object_",
  "str_",
  "bytes_",
  "unicode_",
  "string_",
  "void",
  "complex64",
  "complex128",
  "number",
  "integer",
  "floating",
  "signedinteger",
  "unsignedinteger",
];

/** The allow-listed numpy globals: "module.name" → what the reader pushes for them. */
export function numpyGlobals(): Map<string, unknown> {
  const table = new Map<string, unknown>();
  const fn = (name: string, behaviour: GlobalBehaviour) => new GlobalRef(name, behaviour);
  for (const core of ["numpy.core", "numpy._core"]) {
    const add = (path: string, behaviour: GlobalBehaviour) =>
      table.set(`${core}.${path}`, fn(`numpy.${path}`, behaviour));
    add("multiarray._reconstruct", { call: reconstruct });
    add("multiarray.scalar", { call: scalar });
    add("numeric._frombuffer", { call: frombuffer });
    for (const u of ALLOWED_UFUNCS) table.set(`${core}._multiarray_umath.${u}`, { ufunc: u });
    add("_ufunc_reconstruct", {
      call: (args) => {
        const [module, name] = args;
        if (module !== "numpy" || typeof name !== "string") fail("ufuncs must come from the numpy module");
        return ufunc(name);
      },
    });
  }
  table.set("numpy.dtype", fn("numpy.dtype", { call: (args) => new DTypeBuilder(args[0]) }));
  table.set("numpy.ndarray", fn("numpy.ndarray", {}));
  for (const t of SCALAR_TYPES) table.set(`numpy.${t}`, fn(`numpy.${t}`, {}));
  for (const u of ALLOWED_UFUNCS) table.set(`numpy.${u}`, { ufunc: u });
  for (const [k, v] of randomGlobals()) table.set(k, v);
  return table;
}

/**
 * numpy.random state objects (an estimator given `random_state=RandomState(0)` keeps one): data only, as
 * PyObjects "numpy.random.RandomState" / "numpy.random.Generator" / "numpy.random.BitGenerator" whose args
 * name the bit generator and whose state is what numpy pickled.
 */
function randomGlobals(): Map<string, unknown> {
  const table = new Map<string, unknown>();
  const ctor = (name: string, cls: string) => {
    const make = (args: readonly unknown[]) => makePyObject(cls, args);
    table.set(`numpy.random._pickle.${name}`, new GlobalRef(`numpy.random._pickle.${name}`, { call: make }));
  };
  ctor("__randomstate_ctor", "numpy.random.RandomState");
  ctor("__generator_ctor", "numpy.random.Generator");
  ctor("__bit_generator_ctor", "numpy.random.BitGenerator");
  const seed = (args: readonly unknown[]) => makePyObject("numpy.random.SeedSequence", args);
  table.set(
    "numpy.random.bit_generator.SeedSequence",
    new GlobalRef("numpy.random.SeedSequence", { construct: seed }),
  );
  for (const [module, cls] of [
    ["_mt19937", "MT19937"],
    ["_pcg64", "PCG64"],
    ["_pcg64", "PCG64DXSM"],
    ["_philox", "Philox"],
    ["_sfc64", "SFC64"],
  ]) {
    table.set(`numpy.random.${module}.${cls}`, new GlobalRef(`numpy.random.${cls}`, {}));
  }
  return table;
}
