import { GlobalRef } from "../../src/pickle/objects.js";
import { isPyTuple, type NDArray, type PyObject } from "../../src/pickle/values.js";

/**
 * The decoded value in the tagged JSON form fixtures/pickle/make_fixtures.py writes with Python (`tag`),
 * so a fixture's expected .json can be compared with what the reader returned.
 */
export function tag(v: unknown): unknown {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") {
    if (Number.isNaN(v)) return { float: "nan" };
    if (!Number.isFinite(v)) return { float: v > 0 ? "inf" : "-inf" };
    return v;
  }
  if (typeof v === "bigint") {
    return v > BigInt(Number.MIN_SAFE_INTEGER) && v < BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(v)
      : { bigint: v.toString() };
  }
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString("hex") };
  if (Array.isArray(v)) return isPyTuple(v) ? { tuple: v.map(tag) } : v.map(tag);
  if (v instanceof Map) return { dict: [...v].map(([k, x]) => [tag(k), tag(x)]) };
  if (v instanceof Set) {
    return { set: [...v].map(tag).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) };
  }
  if (v instanceof GlobalRef) return { global: v.global };
  if (typeof v !== "object") throw new Error(`cannot tag ${typeof v}`);
  const o = v as Record<string, unknown>;
  if ("ufunc" in o) return { ufunc: o.ufunc };
  if ("slice" in o) return { slice: [o.start, o.stop, o.step] };
  if ("sparse" in o) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = k === "sparse" || k === "shape" ? x : tag(x);
    out.shape = [...(o.shape as number[])];
    return out;
  }
  if ("cls" in o && "state" in o) {
    const obj = v as PyObject;
    return { object: obj.cls, args: [...obj.args].map(tag), state: tag(obj.state) };
  }
  if ("dtype" in o && "shape" in o) return { ndarray: tagArray(v as NDArray) };
  if ("kind" in o && "str" in o) return { dtype: o.str };
  throw new Error(`cannot tag ${JSON.stringify(Object.keys(o))}`);
}

function tagArray(a: NDArray): unknown {
  if (a.fields) {
    return {
      dtype: a.dtype.str,
      shape: [...a.shape],
      fields: Object.fromEntries([...a.fields].map(([name, f]) => [name, tagArray(f)])),
    };
  }
  const items = Array.from(a.data as ArrayLike<unknown>);
  const data = a.dtype.kind === "b" ? items.map((x) => x === 1) : items.map(tag);
  return { dtype: a.dtype.str, shape: [...a.shape], data };
}
