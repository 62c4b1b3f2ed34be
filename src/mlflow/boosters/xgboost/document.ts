import { BoosterFormatError } from "../errors.js";

/**
 * Typed reads of an xgboost model document, the same for JSON (numbers in plain arrays) and UBJSON
 * (numbers in typed arrays). Every read names its path in the document, so a hostile or hand-edited
 * model fails with "model.json: learner.gradient_booster.model.trees[3].left_children: …".
 */
export type Doc = Readonly<Record<string, unknown>>;

export class DocReader {
  constructor(readonly file: string) {}

  fail(path: string, what: string): never {
    throw new BoosterFormatError(`${this.file}: ${path}: ${what}`);
  }

  object(value: unknown, path: string): Doc {
    if (typeof value !== "object" || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
      this.fail(path, `expected an object, got ${kindOf(value)}`);
    }
    return value as Doc;
  }

  field(doc: Doc, key: string, path: string): unknown {
    const value = doc[key];
    if (value === undefined) this.fail(`${path}.${key}`, "missing");
    return value;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== "string") this.fail(path, `expected a string, got ${kindOf(value)}`);
    return value;
  }

  /** xgboost writes its parameters as strings: "8", "3E-1", "[1.5E2,0E0]". */
  numberText(value: unknown, path: string): number {
    const text = this.string(value, path);
    const n = Number(text);
    if (text.trim() === "" || Number.isNaN(n))
      this.fail(path, `expected a number, got ${JSON.stringify(text)}`);
    return n;
  }

  /** A non-negative integer parameter written as a string, at most `max`. */
  countText(value: unknown, path: string, max: number): number {
    const n = this.numberText(value, path);
    if (!Number.isInteger(n) || n < 0 || n > max)
      this.fail(path, `expected an integer in [0, ${max}], got ${n}`);
    return n;
  }

  /** A numeric array: a JSON array of numbers or a UBJSON typed array. */
  numbers(value: unknown, path: string, length?: number): ArrayLike<number> {
    let out: ArrayLike<number>;
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      out = value as unknown as ArrayLike<number>;
      if (typeof out[0] === "bigint") this.fail(path, "expected numbers, got 64-bit integers");
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (typeof value[i] !== "number")
          this.fail(`${path}[${i}]`, `expected a number, got ${kindOf(value[i])}`);
      }
      out = value as number[];
    } else {
      return this.fail(path, `expected an array of numbers, got ${kindOf(value)}`);
    }
    if (length !== undefined && out.length !== length) {
      this.fail(path, `expected ${length} values, got ${out.length}`);
    }
    return out;
  }

  /** 0/1 flags: numbers (current xgboost's JSON and UBJSON) or booleans (older xgboost's JSON). */
  flags(value: unknown, path: string, length: number): Uint8Array {
    if (Array.isArray(value) && value.every((v) => typeof v === "boolean")) {
      if (value.length !== length) this.fail(path, `expected ${length} values, got ${value.length}`);
      return Uint8Array.from(value, Number);
    }
    return Uint8Array.from(this.numbers(value, path, length), (v) => (v === 0 ? 0 : 1));
  }

  /** A numeric array whose values must all be integers. */
  integers(value: unknown, path: string, length?: number): Int32Array {
    const raw = this.numbers(value, path, length);
    const out = new Int32Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const v = raw[i];
      if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31)
        this.fail(`${path}[${i}]`, `expected an int32, got ${v}`);
      out[i] = v;
    }
    return out;
  }

  array(value: unknown, path: string): readonly unknown[] {
    if (!Array.isArray(value)) this.fail(path, `expected an array, got ${kindOf(value)}`);
    return value;
  }
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (ArrayBuffer.isView(value)) return "a typed array";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}
