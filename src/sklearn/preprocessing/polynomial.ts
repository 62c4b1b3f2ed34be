import { matrix, UnsupportedEstimatorError } from "../common/index.js";
import { registerTransformer } from "./transformer.js";

/** The feature-index combinations of each output column, in scikit-learn's order. */
function combinations(
  n: number,
  minDeg: number,
  maxDeg: number,
  interactionOnly: boolean,
  bias: boolean,
): number[][] {
  const out: number[][] = bias ? [[]] : [];
  const rec = (prefix: number[], from: number, left: number) => {
    if (left === 0) {
      out.push(prefix);
      return;
    }
    for (let f = from; f < n; f++) rec([...prefix, f], interactionOnly ? f + 1 : f, left - 1);
  };
  for (let d = Math.max(1, minDeg); d <= maxDeg; d++) rec([], 0, d);
  return out;
}

registerTransformer("PolynomialFeatures", (s) => {
  const n = s.number("n_features_in_");
  const maxDeg = s.has("_max_degree") ? s.number("_max_degree") : s.number("degree");
  const minDeg = s.has("_min_degree") ? s.number("_min_degree") : 0;
  if (s.has("order") && s.string("order") !== "C") {
    throw new UnsupportedEstimatorError("PolynomialFeatures(order='F') is not supported");
  }
  const combos = combinations(n, minDeg, maxDeg, s.boolean("interaction_only"), s.boolean("include_bias"));
  return {
    transform: (X) => {
      const w = combos.length;
      const out = matrix(X.rows, w);
      for (let i = 0; i < X.rows; i++) {
        const row = i * X.cols;
        for (let k = 0; k < w; k++) {
          const c = combos[k];
          // scikit-learn builds degree d from degree d-1 times the first feature: multiply from the last one back
          let v = c.length === 0 ? 1 : X.data[row + c[c.length - 1]];
          for (let t = c.length - 2; t >= 0; t--) v = v * X.data[row + c[t]];
          out.data[i * w + k] = v;
        }
      }
      return out;
    },
  };
});
