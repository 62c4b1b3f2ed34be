import { type Column, isMissing } from "../common/columns.js";
import { isNDArray } from "../common/convert.js";
import { EstimatorStateError, InvalidInputError } from "../common/errors.js";

/**
 * The fitted categories of one feature (`categories_[i]`) and the lookup from a raw value to its index,
 * with numpy's equality: numbers by value whatever their width, strings by content, all missing values
 * (None, NaN) as one category.
 */
export class FeatureCategories {
  readonly values: readonly unknown[];
  private readonly index = new Map<string, number>();

  constructor(cats: unknown, what: string) {
    if (!isNDArray(cats) || cats.shape.length !== 1 || cats.data === undefined) {
      throw new EstimatorStateError(`${what} must be a 1-D array`);
    }
    this.values = Array.from(cats.data as ArrayLike<unknown>, (v) => (typeof v === "bigint" ? Number(v) : v));
    this.values.forEach((v, i) => {
      const k = categoryKey(v);
      if (!this.index.has(k)) this.index.set(k, i);
    });
  }

  get length(): number {
    return this.values.length;
  }

  /** Index of `v`, or -1 for a category not seen at fit. */
  of(v: unknown): number {
    return this.index.get(categoryKey(v)) ?? -1;
  }

  /** Index of the missing-value category, or -1 when there is none. */
  missingIndex(): number {
    return this.values.findIndex(isMissing);
  }
}

export function categoryKey(v: unknown): string {
  if (isMissing(v)) return "missing";
  if (typeof v === "number" || typeof v === "bigint") return `n${Number(v)}`;
  if (typeof v === "boolean") return `n${v ? 1 : 0}`;
  if (typeof v === "string") return `s${v}`;
  if (v instanceof Uint8Array) return `b${Buffer.from(v).toString("latin1")}`;
  return `?${String(v)}`;
}

export function categoriesOf(list: unknown, owner: string): FeatureCategories[] {
  if (!Array.isArray(list)) throw new EstimatorStateError(`${owner}.categories_ must be a list of arrays`);
  return list.map((c, i) => new FeatureCategories(c, `${owner}.categories_[${i}]`));
}

/** The integer codes of each column and whether each value was a known category (scikit-learn's X_int, X_mask). */
export interface Encoded {
  readonly codes: Int32Array[];
  readonly known: Uint8Array[];
}

export function encodeColumns(
  columns: readonly Column[],
  cats: readonly FeatureCategories[],
  opts: { owner: string; errorOnUnknown: boolean; names?: readonly string[] },
): Encoded {
  const codes: Int32Array[] = [];
  const known: Uint8Array[] = [];
  columns.forEach((col, j) => {
    const n = col.length;
    const c = new Int32Array(n);
    const k = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const idx = cats[j].of(col[i]);
      if (idx < 0 && opts.errorOnUnknown) {
        const where = opts.names ? `column '${opts.names[j]}'` : `column ${j}`;
        throw new InvalidInputError(
          `Found unknown category ${JSON.stringify(col[i])} in ${where} during transform; ${opts.owner} was fitted with handle_unknown='error'`,
        );
      }
      c[i] = Math.max(idx, 0);
      k[i] = idx < 0 ? 0 : 1;
    }
    codes.push(c);
    known.push(k);
  });
  return { codes, known };
}
