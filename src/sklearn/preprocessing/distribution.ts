import quantile from "@stdlib/stats-base-dists-normal-quantile";
import { toMatrix } from "../common/convert.js";
import { InvalidInputError, matrix, matrixToArray, UnsupportedEstimatorError } from "../common/index.js";
import { memberEstimator } from "../common/meta.js";
import { interp } from "./interp.js";
import { registerTransformer } from "./transformer.js";

const BOUNDS_THRESHOLD = 1e-7;
const normalPpf = (p: number) => quantile(p, 0, 1);

registerTransformer("QuantileTransformer", (s) => {
  const q = toMatrix(s.get("quantiles_"), "QuantileTransformer.quantiles_"); // n_quantiles × n_features
  const refs = s.f64("references_");
  const normal = s.string("output_distribution") === "normal";
  if (s.has("ignore_implicit_zeros") && s.boolean("ignore_implicit_zeros")) {
    throw new UnsupportedEstimatorError(
      "QuantileTransformer(ignore_implicit_zeros=True) only applies to sparse input",
    );
  }
  const nq = q.rows;
  const cols = Array.from({ length: q.cols }, (_, j) => {
    const xp = new Float64Array(nq);
    for (let k = 0; k < nq; k++) xp[k] = q.data[k * q.cols + j];
    const negRev = xp.map((_, k) => -xp[nq - 1 - k]);
    return { xp, negRev };
  });
  const negRefsRev = refs.map((_, k) => -refs[nq - 1 - k]);
  const eps = 2 ** -52;
  const clipMin = normalPpf(BOUNDS_THRESHOLD - eps);
  const clipMax = normalPpf(1 - (BOUNDS_THRESHOLD - eps));
  return {
    allowNaN: true,
    transform: (X) => {
      const out = matrix(X.rows, X.cols);
      for (let i = 0; i < X.rows; i++) {
        for (let j = 0; j < X.cols; j++) {
          const x = X.data[i * X.cols + j];
          const { xp, negRev } = cols[j];
          // a normal output pins values within 1e-7 of the extremes; a uniform one only the extremes
          // themselves (a value just inside them is interpolated). The lower bound is set last, so it wins.
          const atLower = normal ? x - BOUNDS_THRESHOLD < xp[0] : x === xp[0];
          const atUpper = normal ? x + BOUNDS_THRESHOLD > xp[nq - 1] : x === xp[nq - 1];
          let v: number;
          if (Number.isNaN(x)) v = x;
          else if (atLower) v = 0;
          else if (atUpper) v = 1;
          else v = 0.5 * (interp(x, xp, refs) - interp(-x, negRev, negRefsRev));
          if (normal && !Number.isNaN(v)) v = Math.min(Math.max(normalPpf(v), clipMin), clipMax);
          out.data[i * X.cols + j] = v;
        }
      }
      return out;
    },
  };
});

/** scipy.special.boxcox */
function boxcox(x: number, l: number): number {
  if (Math.abs(l) < 1e-19) return Math.log(x);
  const t = l * Math.log(x);
  if (t < 709.78) return Math.expm1(t) / l;
  return Math.sign(l) * Math.exp(t - Math.log(Math.abs(l))) - 1 / l;
}

/** scipy.stats.yeojohnson with a given lambda (the expm1/log1p form scikit-learn >= 1.6 calls). */
function yeoJohnson(x: number, l: number): number {
  if (x >= 0) return Math.abs(l) < Number.EPSILON ? Math.log1p(x) : Math.expm1(l * Math.log1p(x)) / l;
  return Math.abs(l - 2) > Number.EPSILON ? -Math.expm1((2 - l) * Math.log1p(-x)) / (2 - l) : -Math.log1p(-x);
}

registerTransformer("PowerTransformer", (s) => {
  const method = s.string("method");
  if (method !== "box-cox" && method !== "yeo-johnson") {
    throw new UnsupportedEstimatorError(`PowerTransformer(method='${method}') is not supported`);
  }
  const f = method === "box-cox" ? boxcox : yeoJohnson;
  const lambdas = s.f64("lambdas_");
  const scaler = s.boolean("standardize")
    ? memberEstimator(s.get("_scaler"), "PowerTransformer._scaler")
    : undefined;
  return {
    allowNaN: true,
    transform: (X) => {
      if (method === "box-cox" && X.data.some((x) => x <= 0)) {
        throw new InvalidInputError(
          "The Box-Cox transformation can only be applied to strictly positive data",
        );
      }
      const out = matrix(X.rows, X.cols);
      for (let i = 0; i < X.data.length; i++) out.data[i] = f(X.data[i], lambdas[i % X.cols]);
      if (scaler === undefined) return out;
      const scaled = scaler.call("transform", matrixToArray(out));
      return { rows: X.rows, cols: X.cols, data: scaled.data as Float64Array };
    },
  };
});
