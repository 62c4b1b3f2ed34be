import { PickleError } from "../errors.js";
import type { AllocationBudget } from "../limits.js";
import type { DType, NDArray, NumericStorage } from "../values.js";

function fail(message: string): never {
  throw new PickleError(`invalid numpy array: ${message}`);
}

/** Validates a pickled shape and returns it with its element count. */
export function checkShape(shape: unknown): { shape: number[]; count: number } {
  if (!Array.isArray(shape)) fail("shape must be a tuple");
  if (shape.length > 32) fail(`${shape.length} dimensions (numpy allows at most 32)`);
  let count = 1;
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) fail(`bad dimension ${String(d)} in shape`);
    count *= d;
  }
  if (!Number.isSafeInteger(count) || count > 2 ** 32)
    fail(`shape (${shape.join(", ")}) has too many elements`);
  return { shape: shape as number[], count };
}

type Ctor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => NumericStorage;

/** Typed storage for each numeric kind and size (float16 is widened to float32). */
function numericCtor(dt: DType): Ctor {
  switch (`${dt.kind}${dt.itemsize}`) {
    case "f8":
      return Float64Array;
    case "f4":
    case "f2":
      return Float32Array;
    case "i1":
      return Int8Array;
    case "i2":
      return Int16Array;
    case "i4":
      return Int32Array;
    case "i8":
      return BigInt64Array;
    case "u1":
    case "b1":
      return Uint8Array;
    case "u2":
      return Uint16Array;
    case "u4":
      return Uint32Array;
    case "u8":
      return BigUint64Array;
    default:
      if (dt.kind === "c") fail(`complex dtype ${dt.str} is not supported`);
      fail(`dtype ${dt.str} is not a supported numeric type`);
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes `count` elements of `dt` spaced `stride` bytes apart from `raw` (stride = itemsize for a plain
 * array, the record size for one field of a structured array) into C-ordered typed storage.
 */
function decodeElements(
  raw: Uint8Array,
  dt: DType,
  count: number,
  stride: number,
  offset: number,
): NumericStorage | unknown[] {
  switch (dt.kind) {
    case "U":
      return decodeStrings(raw, dt.itemsize, count, stride, offset, true);
    case "S":
      return decodeStrings(raw, dt.itemsize, count, stride, offset, false);
    case "V": {
      const out: unknown[] = new Array(count);
      for (let i = 0; i < count; i++)
        out[i] = raw.slice(offset + i * stride, offset + i * stride + dt.itemsize);
      return out;
    }
    case "O":
      fail("object arrays carry their items in the pickle, not as raw bytes");
  }
  const ctor = numericCtor(dt);
  const size = dt.itemsize;
  if (dt.kind === "f" && size === 2) {
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out = new Float32Array(count);
    const littleEndian = dt.byteorder !== ">";
    for (let i = 0, at = offset; i < count; i++, at += stride)
      out[i] = halfToFloat(dv.getUint16(at, littleEndian));
    return out;
  }
  const swap = (dt.byteorder === ">") === LITTLE_ENDIAN_HOST && size > 1;
  if (stride === size && !swap && (raw.byteOffset + offset) % size === 0) {
    // native, contiguous and aligned: a view of the input, no copy (the input must not be reused)
    return new ctor(raw.buffer, raw.byteOffset + offset, count);
  }
  // copy the bytes (never through element values: no BigInt per int64, no NaN canonicalisation), then view
  const bytes =
    stride === size
      ? raw.slice(offset, offset + count * size)
      : gatherStrided(raw, count, size, stride, offset);
  if (swap) swapBytes(bytes, size);
  return new ctor(bytes.buffer, 0, count);
}

/** Copies `count` items of `size` bytes, `stride` bytes apart from `offset`, into fresh contiguous memory. */
function gatherStrided(
  raw: Uint8Array,
  count: number,
  size: number,
  stride: number,
  offset: number,
): Uint8Array {
  const out = new Uint8Array(count * size);
  if (size % 4 === 0 && stride % 4 === 0 && (raw.byteOffset + offset) % 4 === 0) {
    copyWords(raw, offset, stride, count, size / 4, new Int32Array(out.buffer));
    return out;
  }
  if (size % 4 === 0) {
    // 32-bit words through a DataView: any alignment, byte order preserved (read and written little-endian)
    const src = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const dst = new DataView(out.buffer);
    for (let i = 0, at = offset, to = 0; i < count; i++, at += stride) {
      for (let w = 0; w < size; w += 4, to += 4) dst.setUint32(to, src.getUint32(at + w, true), true);
    }
    return out;
  }
  for (let i = 0, at = offset, to = 0; i < count; i++, at += stride) {
    for (let k = 0; k < size; k++) out[to++] = raw[at + k];
  }
  return out;
}

/** `count` items of `words` 32-bit words, `stride` bytes apart from `offset` in `raw` (4-aligned there), packed into `dst`. */
function copyWords(
  raw: Uint8Array,
  offset: number,
  stride: number,
  count: number,
  words: number,
  dst: Int32Array,
): void {
  if (count === 0) return;
  let to = 0;
  const src = new Int32Array(raw.buffer, raw.byteOffset + offset, ((count - 1) * stride) / 4 + words);
  const step = stride / 4;
  if (words === 2) {
    for (let i = 0, at = 0; i < count; i++, at += step, to += 2) {
      dst[to] = src[at];
      dst[to + 1] = src[at + 1];
    }
    return;
  }
  for (let i = 0, at = 0; i < count; i++, at += step) {
    for (let w = 0; w < words; w++) dst[to++] = src[at + w];
  }
}

/** Reverses the bytes of each `size`-byte item in place (big-endian data on a little-endian host). */
function swapBytes(bytes: Uint8Array, size: number): void {
  for (let at = 0; at < bytes.length; at += size) {
    for (let a = at, b = at + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

function decodeStrings(
  raw: Uint8Array,
  size: number,
  count: number,
  stride: number,
  offset: number,
  unicode: boolean,
): unknown[] {
  const out: unknown[] = new Array(count);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let i = 0; i < count; i++) {
    const start = offset + i * stride;
    let end = start + size;
    if (unicode) {
      // UCS-4; numpy drops trailing NULs
      while (end > start && dv.getUint32(end - 4, true) === 0) end -= 4;
      let s = "";
      for (let at = start; at < end; at += 4) {
        const cp = dv.getUint32(at, true);
        if (cp > 0x10ffff) fail(`code point 0x${cp.toString(16)} out of range in a unicode array`);
        s += String.fromCodePoint(cp);
      }
      out[i] = s;
    } else {
      while (end > start && raw[end - 1] === 0) end--;
      out[i] = raw.slice(start, end);
    }
  }
  return out;
}

/** Big-endian UCS-4 strings: swap to little endian first so one decoder serves both. */
function toLittleEndianUcs4(raw: Uint8Array): Uint8Array {
  const out = new Uint8Array(raw.length);
  for (let i = 0; i + 3 < raw.length; i += 4) {
    out[i] = raw[i + 3];
    out[i + 1] = raw[i + 2];
    out[i + 2] = raw[i + 1];
    out[i + 3] = raw[i];
  }
  return out;
}

/** Reorders data stored in Fortran order (first index fastest) into C order. */
function fortranToC<T extends NumericStorage | unknown[]>(data: T, shape: readonly number[]): T {
  const n = shape.length;
  if (n < 2) return data;
  const count = data.length;
  const out = (
    Array.isArray(data)
      ? new Array(count)
      : new (data.constructor as new (n: number) => NumericStorage)(count)
  ) as T;
  // Fortran strides (in elements): first dimension fastest
  const fstride: number[] = new Array(n);
  let s = 1;
  for (let d = 0; d < n; d++) {
    fstride[d] = s;
    s *= shape[d];
  }
  const idx = new Array(n).fill(0);
  let f = 0;
  for (let c = 0; c < count; c++) {
    (out as unknown[])[c] = (data as unknown[])[f];
    for (let d = n - 1; d >= 0; d--) {
      idx[d]++;
      f += fstride[d];
      if (idx[d] < shape[d]) break;
      f -= fstride[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

function outputBytes(dt: DType, count: number): number {
  if (dt.fields) return dt.fields.reduce((sum, f) => sum + outputBytes(f.dtype, count), 0);
  if (dt.kind === "f" && dt.itemsize === 2) return count * 4;
  if (dt.kind === "U" || dt.kind === "S" || dt.kind === "V" || dt.kind === "O")
    return count * (dt.itemsize + 16);
  return count * dt.itemsize;
}

/**
 * An NDArray from numpy's raw bytes (`tobytes()` of a C- or Fortran-contiguous array), in C order and
 * native byte order. Structured dtypes get one NDArray per field, read at the offsets the dtype declares.
 */
export function arrayFromBytes(
  dt: DType,
  shapeIn: unknown,
  raw: Uint8Array,
  fortran: boolean,
  budget: AllocationBudget,
): NDArray {
  const { shape, count } = checkShape(shapeIn);
  if (dt.kind === "O") fail("object arrays carry their items in the pickle, not as raw bytes");
  if (raw.length !== count * dt.itemsize) {
    fail(
      `data has ${raw.length} bytes but shape (${shape.join(", ")}) of ${dt.str} needs ${count * dt.itemsize}`,
    );
  }
  budget.charge(outputBytes(dt, count), `array of shape (${shape.join(", ")}) and dtype ${dt.str}`);
  return decodeWithLayout(dt, shape, count, raw, dt.itemsize, 0, fortran);
}

function decodeWithLayout(
  dt: DType,
  shape: number[],
  count: number,
  raw: Uint8Array,
  stride: number,
  offset: number,
  fortran: boolean,
): NDArray {
  if (dt.fields) {
    return {
      dtype: dt,
      shape,
      data: [],
      fields: new RecordFields(dt.fields, shape, count, raw, stride, offset, fortran),
    };
  }
  const source = dt.kind === "U" && dt.byteorder === ">" ? toLittleEndianUcs4(raw) : raw;
  let data = decodeElements(source, dt, count, stride, offset);
  if (dt.kind === "b") {
    const bools = data as Uint8Array;
    for (let i = 0; i < bools.length; i++) if (bools[i] > 1) bools[i] = 1;
  }
  if (fortran) data = fortranToC(data, shape);
  return { dtype: dt, shape, data };
}

/** An object array from its pickled item list: numpy lists object items in C order even for Fortran arrays. */
export function objectArray(dt: DType, shapeIn: unknown, items: unknown): NDArray {
  const { shape, count } = checkShape(shapeIn);
  if (!Array.isArray(items)) fail("object array data must be a list");
  if (items.length !== count)
    fail(`object array has ${items.length} items but shape (${shape.join(", ")}) needs ${count}`);
  return { dtype: dt, shape, data: items.slice() };
}

/** Numeric fields are decoded when first read: they cannot fail, and many are never read (a tree's impurity). */
function decodedLater(dt: DType): boolean {
  if (dt.fields !== undefined || !"biuf".includes(dt.kind)) return false;
  numericCtor(dt); // a dtype we cannot hold fails now, with the rest of the pickle
  return true;
}

/** Where a numeric field lies in every record of a `RecordLayout`. */
export interface RecordField {
  readonly dtype: DType;
  /** bytes from a record's start */
  readonly offset: number;
}

/**
 * A structured array's records as bytes, for a caller that reads several numeric fields of each record in
 * one pass: record i's field f is at `i * stride + f.offset` of `view`, in the byte order of f's dtype.
 */
export interface RecordLayout {
  readonly view: DataView;
  readonly stride: number;
  readonly count: number;
  /** a numeric field (kinds b, i, u, f); undefined for other fields and unknown names */
  field(name: string): RecordField | undefined;
}

/**
 * The fields of a structured array, by name, in declaration order. Numeric fields are decoded on first
 * read; the others at once, so that bad data fails while the pickle is read. `layout` hands the records
 * themselves to a caller that reads several fields of each in one pass: a forest's trees are read that
 * way, with no decoded copy of each field first.
 */
export class RecordFields extends Map<string, NDArray> {
  /** the numeric fields, decoded or not */
  private readonly numeric = new Map<string, RecordField>();
  private readonly pending = new Set<string>();

  constructor(
    fields: NonNullable<DType["fields"]>,
    private readonly shape: number[],
    private readonly count: number,
    private readonly raw: Uint8Array,
    private readonly stride: number,
    private readonly offset: number,
    private readonly fortran: boolean,
  ) {
    super();
    for (const f of fields) {
      if (decodedLater(f.dtype)) {
        this.numeric.set(f.name, f);
        this.pending.add(f.name);
        super.set(f.name, undefined as unknown as NDArray); // keeps the declaration order
      } else {
        super.set(f.name, this.decode(f.dtype, f.offset));
      }
    }
  }

  private decode(dtype: DType, at: number): NDArray {
    return decodeWithLayout(
      dtype,
      this.shape,
      this.count,
      this.raw,
      this.stride,
      this.offset + at,
      this.fortran,
    );
  }

  override get(name: string): NDArray | undefined {
    const f = this.numeric.get(name);
    if (f !== undefined && this.pending.delete(name)) {
      super.set(name, this.decode(f.dtype, f.offset));
    }
    return super.get(name);
  }

  private decodeAll(): void {
    for (const name of [...this.pending]) this.get(name);
  }

  override forEach(
    fn: (value: NDArray, key: string, map: Map<string, NDArray>) => void,
    thisArg?: unknown,
  ): void {
    this.decodeAll();
    super.forEach(fn, thisArg);
  }

  override entries(): MapIterator<[string, NDArray]> {
    this.decodeAll();
    return super.entries();
  }

  override values(): MapIterator<NDArray> {
    this.decodeAll();
    return super.values();
  }

  override [Symbol.iterator](): MapIterator<[string, NDArray]> {
    return this.entries();
  }

  /**
   * The records, read in place, or undefined when they are not one after another in C order (a
   * Fortran-ordered array of more than one dimension). Every field lies inside its record (the dtype
   * checked that), and the records inside the pickle's bytes (arrayFromBytes checked that).
   */
  layout(): RecordLayout | undefined {
    if (this.fortran && this.shape.length > 1) return undefined;
    const { raw, numeric } = this;
    const start = Math.min(this.offset, raw.byteLength); // past the end only when there are no records
    return {
      view: new DataView(raw.buffer, raw.byteOffset + start, raw.byteLength - start),
      stride: this.stride,
      count: this.count,
      field: (name) => numeric.get(name),
    };
  }
}
