import { type Matrix, matrix, UnsupportedEstimatorError } from "../common/index.js";
import { mapCells, registerTransformer } from "./transformer.js";

registerTransformer("StandardScaler", (s) => {
  const mean = s.boolean("with_mean") ? s.f64("mean_") : undefined;
  const scale = s.has("scale_") ? s.f64("scale_") : undefined;
  return {
    allowNaN: true,
    transform: (X) =>
      mapCells(X, (x, j) => {
        const c = mean === undefined ? x : x - mean[j];
        return scale === undefined ? c : c / scale[j];
      }),
  };
});

registerTransformer("MinMaxScaler", (s) => {
  const scale = s.f64("scale_");
  const min = s.f64("min_");
  const clip = s.has("clip") && s.boolean("clip");
  const [lo, hi] = s.f64("feature_range");
  return {
    allowNaN: true,
    transform: (X) =>
      mapCells(X, (x, j) => {
        const v = x * scale[j] + min[j];
        return clip ? Math.min(Math.max(v, lo), hi) : v;
      }),
  };
});

registerTransformer("MaxAbsScaler", (s) => {
  const scale = s.f64("scale_");
  return { allowNaN: true, transform: (X) => mapCells(X, (x, j) => x / scale[j]) };
});

registerTransformer("RobustScaler", (s) => {
  const center = s.has("center_") ? s.f64("center_") : undefined;
  const scale = s.has("scale_") ? s.f64("scale_") : undefined;
  return {
    allowNaN: true,
    transform: (X) =>
      mapCells(X, (x, j) => {
        const c = center === undefined ? x : x - center[j];
        return scale === undefined ? c : c / scale[j];
      }),
  };
});

/** scikit-learn's `normalize`: each row divided by its l1, l2 or max norm (a zero norm leaves the row as is). */
export function normalizeRows(X: Matrix, norm: string): Matrix {
  const out = matrix(X.rows, X.cols);
  for (let i = 0; i < X.rows; i++) {
    const base = i * X.cols;
    let n = 0;
    for (let j = 0; j < X.cols; j++) {
      const x = X.data[base + j];
      if (norm === "l1") n += Math.abs(x);
      else if (norm === "l2") n += x * x;
      else n = Math.max(n, Math.abs(x));
    }
    if (norm === "l2") n = Math.sqrt(n);
    if (n === 0) n = 1;
    for (let j = 0; j < X.cols; j++) out.data[base + j] = X.data[base + j] / n;
  }
  return out;
}

export function checkNorm(norm: string, owner: string): string {
  if (norm !== "l1" && norm !== "l2" && norm !== "max") {
    throw new UnsupportedEstimatorError(
      `${owner}(norm='${norm}') is not supported: expected 'l1', 'l2' or 'max'`,
    );
  }
  return norm;
}

registerTransformer("Normalizer", (s) => {
  const norm = checkNorm(s.stringOr("norm", "l2"), "Normalizer");
  return { transform: (X) => normalizeRows(X, norm) };
});

registerTransformer("Binarizer", (s) => {
  const threshold = s.numberOr("threshold", 0);
  return { transform: (X) => mapCells(X, (x) => (x > threshold ? 1 : 0)) };
});
