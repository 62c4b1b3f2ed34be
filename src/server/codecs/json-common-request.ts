import { DATATYPE_NAMES } from "./datatypes.js";

/**
 * A parser for the common small inference request, `{"id"?: "…", "inputs": [{"name", "datatype", "shape",
 * "data"}, …]}` with flat numeric data, straight from the body's bytes. JSON.parse first makes a string of
 * the body and then interns every key and transitions every object's shape; for a request of a few hundred
 * bytes that is most of its decoding cost. Anything outside that shape (other keys, parameters, nested or
 * non-numeric data, escapes or non-ASCII in strings, duplicate keys, invalid JSON) gives undefined and the
 * caller parses the body with JSON.parse: what this returns is what JSON.parse would have returned.
 */

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** Powers of ten a double holds exactly: m / 10^k with m < 2^53 is then one correctly rounded division. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** At most this many digits keep the mantissa below 2^53. */
const EXACT_DIGITS = 15;

const key = (text: string) => Buffer.from(text, "latin1");
/** 6 bytes and the length pack below 2^53 */
const MAX_PACKED = 6;
/** Bytes [start, end) packed into one number, when they are few enough to pack exactly (else -1). */
function packed(bytes: Uint8Array, start: number, end: number): number {
  if (end - start > MAX_PACKED) return -1;
  let n = end - start;
  for (let i = start; i < end; i++) n = n * 256 + bytes[i];
  return n;
}
/** the datatype names by their packed bytes: the constant string rather than a new one per request */
const DATATYPE_BY_BYTES = new Map(
  DATATYPE_NAMES.map((name) => [packed(key(name), 0, name.length), name] as const),
);
const ID = key("id");
const INPUTS = key("inputs");
const NAME = key("name");
const DATATYPE = key("datatype");
const SHAPE = key("shape");
const DATA = key("data");

/** An input as JSON.parse gives it for this shape. */
interface CommonInput {
  name: string;
  datatype: string;
  shape: number[];
  data: number[];
}

export interface CommonRequest {
  id?: string;
  inputs: CommonInput[];
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

class Scanner {
  at = 0;
  /** the key `key()` consumed last */
  private keyStart = 0;
  private keyLength = 0;
  constructor(private readonly bytes: Buffer) {}

  /** Skips JSON whitespace and gives the next byte (NaN at the end). */
  peek(): number {
    const bytes = this.bytes;
    let i = this.at;
    while (i < bytes.length) {
      const c = bytes[i];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
    this.at = i;
    return i < bytes.length ? bytes[i] : Number.NaN;
  }

  /** Consumes `c` (after whitespace); false when the next byte is another. */
  take(c: number): boolean {
    if (this.peek() !== c) return false;
    this.at++;
    return true;
  }

  atEnd(): boolean {
    return Number.isNaN(this.peek());
  }

  /** The end of a string starting at the current quote, when it is printable ASCII without escapes; else -1. */
  private stringEnd(): number {
    const bytes = this.bytes;
    for (let i = this.at + 1; i < bytes.length; i++) {
      const c = bytes[i];
      if (c === QUOTE) return i;
      if (c === 0x5c || c < 0x20 || c > 0x7e) return -1;
    }
    return -1;
  }

  /** Consumes a key and its colon; `keyIs` then tells which key it was. */
  key(): boolean {
    if (this.peek() !== QUOTE) return false;
    const end = this.stringEnd();
    if (end < 0) return false;
    this.keyStart = this.at + 1;
    this.keyLength = end - this.keyStart;
    this.at = end + 1;
    return this.take(COLON);
  }

  keyIs(name: Buffer): boolean {
    return this.matches(this.keyStart, this.keyStart + this.keyLength, name);
  }

  /** Whether bytes [start, end) are `name`'s. */
  private matches(start: number, end: number, name: Buffer): boolean {
    if (end - start !== name.length) return false;
    const bytes = this.bytes;
    for (let j = 0; j < name.length; j++) if (bytes[start + j] !== name[j]) return false;
    return true;
  }

  /** A string that is most likely a datatype name: then the name's own constant. */
  datatype(): string | undefined {
    if (this.peek() !== QUOTE) return undefined;
    const end = this.stringEnd();
    if (end < 0) return undefined;
    const known = DATATYPE_BY_BYTES.get(packed(this.bytes, this.at + 1, end));
    if (known === undefined) return this.string();
    this.at = end + 1;
    return known;
  }

  string(): string | undefined {
    if (this.peek() !== QUOTE) return undefined;
    const end = this.stringEnd();
    if (end < 0) return undefined;
    const text = this.bytes.toString("latin1", this.at + 1, end);
    this.at = end + 1;
    return text;
  }

  /** A JSON number, read exactly as JSON.parse reads it. */
  number(): number | undefined {
    const bytes = this.bytes;
    const start = this.at;
    let i = start;
    const negative = bytes[i] === MINUS;
    if (negative) i++;
    let mantissa = 0;
    let digits = 0;
    let c = bytes[i];
    if (c === ZERO) {
      c = bytes[++i];
    } else if (isDigit(c)) {
      do {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
        c = bytes[++i];
      } while (isDigit(c));
    } else {
      return undefined;
    }
    let fraction = 0;
    if (c === DOT) {
      c = bytes[++i];
      if (!isDigit(c)) return undefined;
      do {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
        fraction++;
        c = bytes[++i];
      } while (isDigit(c));
    }
    let exponent = false;
    if (c === 0x65 || c === 0x45) {
      exponent = true;
      c = bytes[++i];
      if (c === PLUS || c === MINUS) c = bytes[++i];
      if (!isDigit(c)) return undefined;
      do c = bytes[++i];
      while (isDigit(c));
    }
    this.at = i;
    if (exponent || digits > EXACT_DIGITS) return Number(bytes.toString("latin1", start, i));
    const value = fraction === 0 ? mantissa : mantissa / EXACT_POWERS_OF_TEN[fraction];
    return negative ? -value : value;
  }

  /** How many elements the flat array starting here has, if it is one: commas before its closing bracket. */
  private elementCount(): number {
    const bytes = this.bytes;
    let commas = 0;
    let empty = true;
    for (let i = this.at + 1; i < bytes.length; i++) {
      const c = bytes[i];
      if (c === CLOSE_ARRAY) return empty ? 0 : commas + 1;
      if (c === COMMA) commas++;
      else if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) empty = false;
    }
    return 0;
  }

  /** A flat array of numbers, allocated at its size (growing by push allocates several times as much). */
  numbers(): number[] | undefined {
    if (this.peek() !== OPEN_ARRAY) return undefined;
    const count = this.elementCount();
    this.at++;
    const values = new Array<number>(count);
    if (this.take(CLOSE_ARRAY)) return count === 0 ? values : undefined;
    for (let i = 0; i < count; i++) {
      if (i > 0 && !this.take(COMMA)) return undefined;
      this.peek();
      const value = this.number();
      if (value === undefined) return undefined;
      values[i] = value;
    }
    return this.take(CLOSE_ARRAY) ? values : undefined;
  }
}

function input(scanner: Scanner): CommonInput | undefined {
  if (!scanner.take(OPEN_OBJECT)) return undefined;
  let name: string | undefined;
  let datatype: string | undefined;
  let shape: number[] | undefined;
  let data: number[] | undefined;
  do {
    if (!scanner.key()) return undefined;
    // a key given twice leaves the last value with JSON.parse: left to it
    if (name === undefined && scanner.keyIs(NAME)) {
      name = scanner.string();
      if (name === undefined) return undefined;
    } else if (datatype === undefined && scanner.keyIs(DATATYPE)) {
      datatype = scanner.datatype();
      if (datatype === undefined) return undefined;
    } else if (shape === undefined && scanner.keyIs(SHAPE)) {
      shape = scanner.numbers();
      if (shape === undefined) return undefined;
    } else if (data === undefined && scanner.keyIs(DATA)) {
      data = scanner.numbers();
      if (data === undefined) return undefined;
    } else {
      return undefined;
    }
  } while (scanner.take(COMMA));
  if (!scanner.take(CLOSE_OBJECT)) return undefined;
  if (name === undefined || datatype === undefined || shape === undefined || data === undefined) {
    return undefined;
  }
  return { name, datatype, shape, data };
}

function inputs(scanner: Scanner): CommonInput[] | undefined {
  if (!scanner.take(OPEN_ARRAY)) return undefined;
  const out: CommonInput[] = [];
  do {
    const parsed = input(scanner);
    if (parsed === undefined) return undefined;
    out.push(parsed);
  } while (scanner.take(COMMA));
  return scanner.take(CLOSE_ARRAY) ? out : undefined;
}

/** The request as JSON.parse would give it, or undefined when it is not of the common shape. */
export function parseCommonRequest(json: Buffer): CommonRequest | undefined {
  const scanner = new Scanner(json);
  if (!scanner.take(OPEN_OBJECT)) return undefined;
  let id: string | undefined;
  let parsedInputs: CommonInput[] | undefined;
  do {
    if (!scanner.key()) return undefined;
    if (id === undefined && scanner.keyIs(ID)) {
      id = scanner.string();
      if (id === undefined) return undefined;
    } else if (parsedInputs === undefined && scanner.keyIs(INPUTS)) {
      parsedInputs = inputs(scanner);
      if (parsedInputs === undefined) return undefined;
    } else {
      return undefined;
    }
  } while (scanner.take(COMMA));
  if (!scanner.take(CLOSE_OBJECT) || !scanner.atEnd() || parsedInputs === undefined) return undefined;
  return id === undefined ? { inputs: parsedInputs } : { id, inputs: parsedInputs };
}
