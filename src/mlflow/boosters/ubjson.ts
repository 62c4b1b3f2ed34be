import { BoosterFormatError } from "./errors.js";

/**
 * A strict decoder of Universal Binary JSON (draft 12, big-endian), the format of xgboost's `.ubj` models.
 * Strongly typed numeric containers (`[$d#…`, `[$l#…`, `[$U#…`) decode to typed arrays, so a model's
 * thousands of split values cost one copy, not one object each. Every length is checked against the bytes
 * left, so a truncated or hostile file fails at the first bad byte with its offset, never over-allocates.
 *
 * Values: null, boolean, number (int64 only when within ±2^53), string, arrays (unknown[] or a typed
 * array), objects (null-prototype records). The no-op marker and high-precision numbers are refused:
 * xgboost never writes them.
 */
export type UbjValue =
  | null
  | boolean
  | number
  | string
  | UbjValue[]
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Int32Array
  | { [key: string]: UbjValue };

/** Nesting deeper than any model needs: bounds the recursion a hostile file can ask for. */
const MAX_DEPTH = 64;

const TYPED_SIZES: Readonly<Record<string, number>> = { i: 1, U: 1, I: 2, l: 4, L: 8, d: 4, D: 8 };

class Reader {
  private pos = 0;
  private readonly view: DataView;
  private readonly utf8 = new TextDecoder("utf-8", { fatal: true });

  constructor(
    private readonly bytes: Uint8Array,
    private readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(what: string, at = this.pos): never {
    throw new BoosterFormatError(`${this.file}: invalid UBJSON at byte ${at}: ${what}`);
  }

  atEnd(): boolean {
    return this.pos >= this.bytes.length;
  }

  private need(n: number): number {
    const at = this.pos;
    if (n > this.bytes.length - at)
      this.fail(`needs ${n} more bytes, the file ends after ${this.bytes.length - at}`);
    this.pos += n;
    return at;
  }

  marker(): string {
    return String.fromCharCode(this.bytes[this.need(1)]);
  }

  private peek(): string {
    if (this.atEnd()) this.fail("the file ends inside a container");
    return String.fromCharCode(this.bytes[this.pos]);
  }

  private scalar(type: string): number {
    const v = this.view;
    switch (type) {
      case "i":
        return v.getInt8(this.need(1));
      case "U":
        return v.getUint8(this.need(1));
      case "I":
        return v.getInt16(this.need(2));
      case "l":
        return v.getInt32(this.need(4));
      case "L": {
        const at = this.need(8);
        const big = v.getBigInt64(at);
        if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
          this.fail(`int64 ${big} is beyond ±2^53`, at);
        }
        return Number(big);
      }
      case "d":
        return v.getFloat32(this.need(4));
      case "D":
        return v.getFloat64(this.need(8));
      default:
        return this.fail(`expected a number type, got marker '${type}'`, this.pos - 1);
    }
  }

  /** A length or count: an integer of any width, never negative. */
  private count(): number {
    const at = this.pos;
    const type = this.marker();
    if (!"iUIlL".includes(type)) this.fail(`expected an integer length, got marker '${type}'`, at);
    const n = this.scalar(type);
    if (n < 0) this.fail(`negative length ${n}`, at);
    return n;
  }

  private string(): string {
    const n = this.count();
    const at = this.need(n);
    try {
      return this.utf8.decode(this.bytes.subarray(at, at + n));
    } catch {
      return this.fail("a string that is not UTF-8", at);
    }
  }

  value(depth: number, type = this.marker()): UbjValue {
    switch (type) {
      case "Z":
        return null;
      case "T":
        return true;
      case "F":
        return false;
      case "S":
        return this.string();
      case "C":
        return String.fromCharCode(this.scalar("U"));
      case "[":
        return this.array(depth + 1);
      case "{":
        return this.object(depth + 1);
      default:
        if (type in TYPED_SIZES) return this.scalar(type);
        return this.fail(`unknown or unsupported marker '${type}'`, this.pos - 1);
    }
  }

  /** The `$type#count` header of an optimized container, or nulls for a plain one. */
  private header(): { type: string | null; count: number | null } {
    let type: string | null = null;
    if (this.peek() === "$") {
      this.pos++;
      type = this.marker();
      if (this.peek() !== "#") this.fail("a typed container without a count");
    }
    if (this.peek() !== "#") return { type, count: null };
    this.pos++;
    return { type, count: this.count() };
  }

  private array(depth: number): UbjValue {
    if (depth > MAX_DEPTH) this.fail(`containers nested deeper than ${MAX_DEPTH}`);
    const { type, count } = this.header();
    if (count === null) {
      const items: UbjValue[] = [];
      while (this.peek() !== "]") items.push(this.value(depth));
      this.pos++;
      return items;
    }
    if (type !== null && type in TYPED_SIZES && type !== "L") return this.typedArray(type, count);
    // every item takes at least one byte (or its typed size): a count beyond the bytes left is a lie
    const minSize = type === null ? 1 : (TYPED_SIZES[type] ?? 0);
    if (minSize > 0 && count > (this.bytes.length - this.pos) / minSize) {
      this.fail(`an array of ${count} items does not fit in the ${this.bytes.length - this.pos} bytes left`);
    }
    const items: UbjValue[] = new Array(count);
    for (let i = 0; i < count; i++) items[i] = this.value(depth, type ?? this.marker());
    return items;
  }

  private typedArray(type: string, count: number): UbjValue {
    const size = TYPED_SIZES[type];
    const at = this.need(count * size);
    const v = this.view;
    switch (type) {
      case "U":
        return this.bytes.slice(at, at + count);
      case "i":
        return new Int8Array(this.bytes.slice(at, at + count).buffer);
      case "I": {
        const out = new Int16Array(count);
        for (let i = 0; i < count; i++) out[i] = v.getInt16(at + 2 * i);
        return out;
      }
      case "l": {
        const out = new Int32Array(count);
        for (let i = 0; i < count; i++) out[i] = v.getInt32(at + 4 * i);
        return out;
      }
      case "d": {
        const out = new Float32Array(count);
        for (let i = 0; i < count; i++) out[i] = v.getFloat32(at + 4 * i);
        return out;
      }
      default: {
        const out = new Float64Array(count);
        for (let i = 0; i < count; i++) out[i] = v.getFloat64(at + 8 * i);
        return out;
      }
    }
  }

  private object(depth: number): UbjValue {
    if (depth > MAX_DEPTH) this.fail(`containers nested deeper than ${MAX_DEPTH}`);
    const { type, count } = this.header();
    const out: { [key: string]: UbjValue } = Object.create(null);
    if (count === null) {
      while (this.peek() !== "}") out[this.string()] = this.value(depth);
      this.pos++;
      return out;
    }
    // a key takes at least two bytes (its length marker and length)
    if (count > (this.bytes.length - this.pos) / 2) {
      this.fail(
        `an object of ${count} entries does not fit in the ${this.bytes.length - this.pos} bytes left`,
      );
    }
    for (let i = 0; i < count; i++) out[this.string()] = this.value(depth, type ?? this.marker());
    return out;
  }
}

/** Decodes one UBJSON document that fills `bytes` exactly; `file` names it in errors. */
export function decodeUbjson(bytes: Uint8Array, file: string): UbjValue {
  const reader = new Reader(bytes, file);
  const value = reader.value(0);
  if (!reader.atEnd()) reader.fail("trailing bytes after the document");
  return value;
}
