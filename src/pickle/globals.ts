import { ForbiddenGlobalError, PickleError } from "./errors.js";
import { joblibGlobals } from "./joblib.js";
import { numpyGlobals } from "./numpy/globals.js";
import { type GlobalBehaviour, GlobalRef } from "./objects.js";
import { makePyObject } from "./reader.js";
import { sparseGlobals } from "./sparse.js";
import { encodeLatin1 } from "./strings.js";
import type { PyObject, PySlice } from "./values.js";

/** What GLOBAL/STACK_GLOBAL push for "module.name", or a ForbiddenGlobalError. */
export type GlobalResolver = (module: string, name: string) => unknown;

/**
 * Which classes beyond the built-in data types (numpy, scipy.sparse, builtins…) may be instantiated as
 * PyObjects. For model files this is the scikit-learn estimator registry.
 */
export interface ClassPolicy {
  isAllowed(cls: string): boolean;
  /** the sentence appended to the refusal of a class that is not allowed */
  readonly supported: string;
}

function fail(message: string): never {
  throw new PickleError(`invalid pickle: ${message}`);
}

function bytesFrom(args: readonly unknown[], what: string): Uint8Array {
  const [source, encoding] = args;
  if (source === undefined) return new Uint8Array(0);
  if (source instanceof Uint8Array) return source.slice();
  if (
    typeof source === "string" &&
    typeof encoding === "string" &&
    /^latin-?1$|^iso-8859-1$/i.test(encoding)
  ) {
    const bytes = encodeLatin1(source);
    if (bytes) return bytes;
  }
  if (
    Array.isArray(source) &&
    source.every((b) => Number.isInteger(b) && (b as number) >= 0 && (b as number) < 256)
  ) {
    return Uint8Array.from(source as number[]);
  }
  fail(`${what} needs bytes, a latin-1 string with its encoding, or a list of byte values`);
}

function iterable(v: unknown, what: string): Iterable<unknown> {
  if (v === undefined) return [];
  if (Array.isArray(v) || v instanceof Set) return v;
  if (v instanceof Map) return v.keys();
  fail(`${what} needs a list, tuple or set`);
}

function sliceBound(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== "number" || !Number.isInteger(v)) fail("slice bounds must be integers or None");
  return v;
}

function makeSlice(args: readonly unknown[]): PySlice {
  if (args.length === 0 || args.length > 3) fail("slice takes 1 to 3 arguments");
  const [a, b, c] = args.length === 1 ? [null, args[0], null] : args;
  return { slice: true, start: sliceBound(a), stop: sliceBound(b), step: sliceBound(c) };
}

function pairsToMap(v: unknown): Map<unknown, unknown> {
  if (v === undefined) return new Map();
  if (v instanceof Map) return new Map(v);
  const out = new Map<unknown, unknown>();
  for (const pair of iterable(v, "OrderedDict")) {
    if (!Array.isArray(pair) || pair.length !== 2) fail("OrderedDict items must be (key, value) pairs");
    out.set(pair[0], pair[1]);
  }
  return out;
}

/** A class referenced by `copyreg._reconstructor` / `__newobj__`: it must be one we may instantiate. */
function constructible(cls: unknown): GlobalRef {
  if (!(cls instanceof GlobalRef) || cls.behaviour.construct === undefined) {
    fail(`cannot instantiate ${cls instanceof GlobalRef ? cls.global : typeof cls}`);
  }
  return cls;
}

function builtinGlobals(): Map<string, unknown> {
  const table = new Map<string, unknown>();
  const add = (name: string, behaviour: GlobalBehaviour) => table.set(name, new GlobalRef(name, behaviour));
  add("builtins.set", { call: (a) => new Set(iterable(a[0], "set")) });
  add("builtins.frozenset", { call: (a) => Object.freeze(new Set(iterable(a[0], "frozenset"))) });
  add("builtins.bytearray", { call: (a) => bytesFrom(a, "bytearray") });
  add("builtins.bytes", { call: (a) => bytesFrom(a, "bytes") });
  add("builtins.slice", { call: makeSlice });
  for (const t of ["object", "int", "float", "str", "bool", "list", "dict", "tuple", "complex", "type"]) {
    add(`builtins.${t}`, {});
  }
  // Python writes REDUCE(cls, args) then SETITEMS; NEWOBJ works too. A defaultdict's factory is dropped.
  add("collections.OrderedDict", { call: (a) => pairsToMap(a[0]), construct: () => new Map() });
  add("collections.defaultdict", { call: () => new Map(), construct: () => new Map() });
  add("functools.partial", { call: (a) => makePyObject("functools.partial", a) });
  // scikit-learn >= 1.4 HistGradientBoosting keeps FunctionTransformer(partial(check_array, …)) for its
  // numerical columns: a reference only, which FunctionTransformer models as the validation it performs.
  add("sklearn.utils.validation.check_array", {});
  add("_codecs.encode", { call: (a) => bytesFrom(a, "_codecs.encode") });
  add("copyreg._reconstructor", {
    call: (args, ctx) => {
      const [cls, base, state] = args;
      if (!(base instanceof GlobalRef) || base.global !== "builtins.object") {
        fail(`copyreg._reconstructor with a base other than object is not supported`);
      }
      if (state !== null) fail("copyreg._reconstructor with a base state is not supported");
      return constructible(cls).behaviour.construct!([], ctx);
    },
  });
  add("copyreg.__newobj__", {
    call: (args, ctx) => constructible(args[0]).behaviour.construct!(args.slice(1), ctx),
  });
  add("copyreg.__newobj_ex__", {
    call: (args, ctx) => {
      const [cls, clsArgs, kwargs] = args;
      if (!Array.isArray(clsArgs) || !(kwargs instanceof Map) || kwargs.size > 0) {
        fail("copyreg.__newobj_ex__ with keyword arguments is not supported");
      }
      return constructible(cls).behaviour.construct!(clsArgs, ctx);
    },
  });
  return table;
}

/**
 * Module names written for a module we know under another name: the Python 2 names Python 3 writes for
 * protocols 0–2 (pickle's fix_imports), and a Cython quirk.
 */
const MODULE_ALIASES: Record<string, string> = {
  __builtin__: "builtins",
  copy_reg: "copyreg",
  // scikit-learn 1.5's Cython loss classes report their module as the bare "_loss"
  _loss: "sklearn._loss._loss",
};
/** Python 2 builtin names, as fix_imports writes them for protocols 0–2. */
const PY2_NAMES: Record<string, string> = {
  "builtins.long": "builtins.int",
  "builtins.unicode": "builtins.str",
};

let builtIn: Map<string, unknown> | undefined;

function builtInTable(): Map<string, unknown> {
  builtIn ??= new Map([...builtinGlobals(), ...numpyGlobals(), ...sparseGlobals(), ...joblibGlobals()]);
  return builtIn;
}

const CYTHON_UNPICKLE = "__pyx_unpickle_";

/**
 * Cython's generic unpickler `__pyx_unpickle_<Cls>(cls, checksum, state)` only instantiates `cls`, which
 * must be allow-listed on its own; the state is the tuple of the object's C attributes.
 */
function cythonUnpickle(path: string, clsName: string): GlobalRef {
  return new GlobalRef(path, {
    call: (args, ctx) => {
      const [cls, , state] = args;
      const ref = constructible(cls);
      if (ref.global.slice(ref.global.lastIndexOf(".") + 1) !== clsName) {
        fail(`${path} cannot build ${ref.global}`);
      }
      const obj = ref.behaviour.construct!([], ctx) as PyObject;
      if (state !== null && state !== undefined) obj.state = state;
      return obj;
    },
  });
}

/** Names that mean "this pickle contains code": refused with a message that says so. */
function codeRefusal(path: string): string | undefined {
  if (path.startsWith("cloudpickle.") || path === "types.CodeType" || path === "types.FunctionType") {
    return (
      `the pickle embeds Python code (${path}): a lambda or a locally defined function saved by cloudpickle. ` +
      "modelserve never runs code from a model file; use a named numpy function or a scikit-learn built-in instead"
    );
  }
  return undefined;
}

export function makeResolver(policy: ClassPolicy | undefined): GlobalResolver {
  const table = builtInTable();
  const classes = new Map<string, GlobalRef>();
  return (moduleIn, name) => {
    const module = MODULE_ALIASES[moduleIn] ?? moduleIn;
    const path = PY2_NAMES[`${module}.${name}`] ?? `${module}.${name}`;
    const known = table.get(path);
    if (known !== undefined) return known;
    const cached = classes.get(path);
    if (cached) return cached;
    if (name.startsWith(CYTHON_UNPICKLE)) return cythonUnpickle(path, name.slice(CYTHON_UNPICKLE.length));
    const code = codeRefusal(path);
    if (code) throw new ForbiddenGlobalError(path, code);
    if (policy?.isAllowed(path)) {
      const make = (args: readonly unknown[]) => makePyObject(path, args);
      const ref = new GlobalRef(path, { call: make, construct: make });
      classes.set(path, ref);
      return ref;
    }
    const hint = policy ? ` ${policy.supported}` : "";
    throw new ForbiddenGlobalError(
      path,
      `the pickle references ${path}, which is not on the allow-list: nothing from a model file is ever executed, ` +
        `only known classes are rebuilt as data.${hint}`,
    );
  };
}
