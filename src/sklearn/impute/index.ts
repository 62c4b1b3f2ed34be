import type { NDArray } from "../../pickle/values.js";
import { type Column, type Columns, isMissing, OBJECT_DTYPE } from "../common/columns.js";
import { BOOL, FLOAT64, InvalidInputError, type State, toInt32 } from "../common/index.js";
import { memberEstimator } from "../common/meta.js";
import { registerColumnTransformer } from "../preprocessing/column_estimator.js";

/** scikit-learn's `_get_mask`: NaN (and None) when missing_values is NaN or None, equality otherwise. */
function missingTest(missingValues: unknown): (v: unknown) => boolean {
  if (isMissing(missingValues)) return isMissing;
  return (v) => v === missingValues || (typeof v === "bigint" && Number(v) === missingValues);
}

function missingMask(
  cols: Columns,
  features: readonly number[],
  isMiss: (v: unknown) => boolean,
): Uint8Array[] {
  return features.map((j) => {
    const c: Column = cols.columns[j];
    const m = new Uint8Array(cols.rows);
    for (let i = 0; i < cols.rows; i++) m[i] = isMiss(c[i]) ? 1 : 0;
    return m;
  });
}

interface Indicator {
  (cols: Columns): Uint8Array[];
  readonly width: number;
}

function indicatorOf(s: State): Indicator {
  const isMiss = missingTest(s.opt("missing_values") ?? null);
  const features = Array.from(toInt32(s.get("features_"), "MissingIndicator.features_"));
  const onlyMissing = s.stringOr("features", "missing-only") === "missing-only";
  const errorOnNew = s.has("error_on_new") ? s.boolean("error_on_new") : true;
  const f = (cols: Columns) => {
    if (onlyMissing && errorOnNew) {
      const fitted = new Set(features);
      const all = Array.from({ length: cols.columns.length }, (_, j) => j);
      const fresh = missingMask(cols, all, isMiss)
        .map((m, j) => (m.some((x) => x === 1) && !fitted.has(j) ? j : -1))
        .filter((j) => j >= 0);
      if (fresh.length > 0) {
        throw new InvalidInputError(
          `The features [${fresh.join(", ")}] have missing values in transform but have no missing values in fit`,
        );
      }
    }
    return missingMask(cols, features, isMiss);
  };
  return Object.assign(f, { width: features.length });
}

registerColumnTransformer("MissingIndicator", (s) => {
  const indicator = indicatorOf(s);
  return (cols): NDArray => {
    const masks = indicator(cols);
    const w = masks.length;
    const out = new Uint8Array(cols.rows * w);
    masks.forEach((m, j) => {
      for (let i = 0; i < cols.rows; i++) out[i * w + j] = m[i];
    });
    return { dtype: BOOL, shape: [cols.rows, w], data: out };
  };
});

registerColumnTransformer("SimpleImputer", (s) => {
  const stats = s.array("statistics_");
  const statistics = Array.from(stats.data as ArrayLike<unknown>, (v) =>
    typeof v === "bigint" ? Number(v) : v,
  );
  // the dtype seen at fit decides the output (1.9 keeps a constant fill_value's statistics_ as objects)
  const fit = s.opt("_fit_dtype");
  const fitKind =
    typeof fit === "object" && fit !== null && "kind" in fit
      ? (fit as { kind: string }).kind
      : stats.dtype.kind;
  const objectOut = fitKind === "O" || fitKind === "U";
  const isMiss = missingTest(s.opt("missing_values") ?? null);
  const keepEmpty = s.has("keep_empty_features") && s.boolean("keep_empty_features");
  const constant = s.stringOr("strategy", "mean") === "constant";
  // features whose statistic is missing (all values missing at fit) are dropped, unless kept or constant
  const kept = statistics
    .map((v, j) => (constant || keepEmpty || !isMissing(v) ? j : -1))
    .filter((j) => j >= 0);
  const indicator = s.has("indicator_")
    ? (() => {
        const ind = memberEstimator(s.get("indicator_"), "SimpleImputer.indicator_");
        return (cols: Columns) =>
          ind.call("transform", {
            kind: "table",
            rows: cols.rows,
            columns: cols.columns.map((values, j) => ({ name: cols.names?.[j] ?? String(j), values })),
          });
      })()
    : undefined;
  return (cols): NDArray => {
    const extra = indicator?.(cols);
    const iw = extra === undefined ? 0 : extra.shape[1];
    const w = kept.length + iw;
    const n = cols.rows;
    const out: Float64Array | unknown[] = objectOut ? new Array<unknown>(n * w) : new Float64Array(n * w);
    kept.forEach((j, k) => {
      const c = cols.columns[j];
      for (let i = 0; i < n; i++) {
        const v = isMiss(c[i]) ? statistics[j] : c[i];
        if (objectOut) (out as unknown[])[i * w + k] = v;
        else {
          if (typeof v === "string") {
            throw new InvalidInputError(
              `SimpleImputer was fitted on numbers, but column ${j} row ${i} is ${JSON.stringify(v)}`,
            );
          }
          (out as Float64Array)[i * w + k] = v === null || v === undefined ? Number.NaN : Number(v);
        }
      }
    });
    if (extra !== undefined) {
      const m = extra.data as Uint8Array;
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < iw; k++) {
          const b = m[i * iw + k];
          if (objectOut) (out as unknown[])[i * w + kept.length + k] = b === 1;
          else (out as Float64Array)[i * w + kept.length + k] = b;
        }
      }
    }
    return { dtype: objectOut ? OBJECT_DTYPE : FLOAT64, shape: [n, w], data: out };
  };
});
