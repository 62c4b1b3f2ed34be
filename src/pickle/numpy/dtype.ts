import { PickleError } from "../errors.js";
import { Pending } from "../objects.js";
import type { DType } from "../values.js";

const KINDS = new Set(["b", "i", "u", "f", "c", "O", "U", "S", "V"]);
const MAX_FIELD_NESTING = 16;

/** Structured dtypes nest; their depth is kept aside so a hostile file cannot nest them without bound. */
const depths = new WeakMap<DType, number>();

function fail(message: string): never {
  throw new PickleError(`invalid numpy dtype: ${message}`);
}

/** numpy's string form: byte order, kind, size (characters for U, bytes otherwise; none for O). */
function dtypeStr(kind: DType["kind"], itemsize: number, byteorder: DType["byteorder"]): string {
  if (kind === "O") return "|O";
  return `${byteorder}${kind}${kind === "U" ? itemsize / 4 : itemsize}`;
}

/** The byte order a dtype has: '|' where it does not apply (one-byte items, bytes, records, objects). */
function normalOrder(kind: DType["kind"], itemsize: number, endian: string): DType["byteorder"] {
  if (kind === "O" || kind === "S" || kind === "V" || kind === "b" || itemsize === 1) return "|";
  if (endian === ">") return ">";
  return "<"; // '<', and '=' / '|' written by a little-endian machine
}

/** A plain (non-structured) dtype from its numpy string, e.g. "<f8", "|b1", "<U5". Used for scalars and tests. */
export function simpleDType(str: string): DType {
  const m = /^([<>|=]?)([biufcOUSV])(\d*)$/.exec(str);
  if (!m) fail(`unsupported dtype string ${JSON.stringify(str)}`);
  const kind = m[2] as DType["kind"];
  const n = m[3] === "" ? (kind === "O" ? 8 : 0) : Number(m[3]);
  const itemsize = kind === "U" ? n * 4 : n;
  const byteorder = normalOrder(kind, itemsize, m[1]);
  return { kind, itemsize, byteorder, str: dtypeStr(kind, itemsize, byteorder) };
}

/**
 * `numpy.dtype(typestr, align, copy)` then BUILD with
 * `(version, endian, subarray, names, fields, elsize, alignment, flags[, metadata])`.
 */
export class DTypeBuilder extends Pending {
  readonly what = "numpy dtype";
  private readonly kind: DType["kind"];
  private readonly size: number;

  constructor(typestr: unknown) {
    super();
    if (typeof typestr !== "string") fail(`type string must be a str, not ${typeof typestr}`);
    const m = /^([a-zA-Z])(\d*)$/.exec(typestr);
    if (!m) fail(`unsupported type string ${JSON.stringify(typestr.slice(0, 20))}`);
    const kind = m[1];
    if (kind === "M" || kind === "m") fail(`datetime/timedelta dtype ${typestr} is not supported`);
    if (!KINDS.has(kind)) fail(`unsupported kind ${JSON.stringify(kind)} in ${JSON.stringify(typestr)}`);
    this.kind = kind as DType["kind"];
    this.size = m[2] === "" ? 0 : Number(m[2]);
  }

  build(state: unknown): DType {
    if (!Array.isArray(state) || state.length < 8) fail("state must be a tuple of 8 or 9 items");
    const [version, endian, subarray, names, fields, elsize] = state as unknown[];
    if (version !== 3 && version !== 4) fail(`unsupported dtype pickle version ${String(version)}`);
    if (typeof endian !== "string") fail("byte order must be a str");
    if (subarray !== null) fail("sub-array dtypes (e.g. ('f8', (3,))) are not supported");
    const flexible = this.kind === "U" || this.kind === "S" || this.kind === "V";
    let itemsize = this.kind === "O" ? 8 : this.size;
    if (flexible) {
      if (typeof elsize !== "number" || !Number.isInteger(elsize) || elsize < 0) fail("bad item size");
      itemsize = elsize;
    }
    if (this.kind === "U" && itemsize % 4 !== 0) fail(`unicode item size ${itemsize} is not a multiple of 4`);
    if (!flexible && this.kind !== "O" && ![1, 2, 4, 8, 16].includes(itemsize)) {
      fail(`item size ${itemsize} is not valid for kind ${this.kind}`);
    }
    const byteorder = normalOrder(this.kind, itemsize, endian);
    const base = { kind: this.kind, itemsize, byteorder, str: dtypeStr(this.kind, itemsize, byteorder) };
    if (names === null || names === undefined) {
      if (this.kind === "V" && fields !== null) fail("record fields without names");
      return base;
    }
    return withFields(base, names, fields);
  }
}

function withFields(base: DType, names: unknown, fields: unknown): DType {
  if (!Array.isArray(names) || !(fields instanceof Map))
    fail("structured dtype needs a names tuple and a fields dict");
  const out: { name: string; dtype: DType; offset: number }[] = [];
  let depth = 0;
  for (const name of names) {
    if (typeof name !== "string") fail("field names must be strings");
    const spec = fields.get(name);
    if (!Array.isArray(spec) || spec.length < 2) fail(`field ${name} has no (dtype, offset)`);
    const [dtype, offset] = spec as unknown[];
    if (!isDType(dtype)) fail(`field ${name} has no dtype`);
    if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0)
      fail(`field ${name} has a bad offset`);
    if (offset + dtype.itemsize > base.itemsize) {
      fail(
        `field ${name} (offset ${offset}, ${dtype.itemsize} bytes) overruns the ${base.itemsize}-byte record`,
      );
    }
    depth = Math.max(depth, depths.get(dtype) ?? 0);
    out.push({ name, dtype, offset });
  }
  if (depth + 1 > MAX_FIELD_NESTING) fail(`structured dtypes nested more than ${MAX_FIELD_NESTING} deep`);
  const dt: DType = { ...base, fields: out };
  depths.set(dt, depth + 1);
  return dt;
}

export function isDType(v: unknown): v is DType {
  return (
    typeof v === "object" && v !== null && "kind" in v && "itemsize" in v && "str" in v && "byteorder" in v
  );
}
