import type { NDArray } from "../../pickle/values.js";
import { castFloat64 } from "../common/dtype_param.js";
import {
  ClassLabels,
  FLOAT32,
  FLOAT64,
  float64Array,
  InvalidInputError,
  type Matrix,
  matrix,
  meanFloat32,
  pairwiseSum,
  registerNumericEstimator,
  rowArgmax,
  type State,
  UnsupportedEstimatorError,
} from "../common/index.js";
import { effectiveMetric, type Metric } from "./metrics.js";

/**
 * RadiusNeighborsClassifier and RadiusNeighborsRegressor: every training sample within `radius`. Membership
 * depends only on the distance, not on the search order, so a scan of `_fit_X` finds scikit-learn's set
 * whatever tree the model was fitted with.
 */

interface RadiusHits {
  readonly ind: number[];
  /** 1/d weights ("distance"), exact matches only when one is at distance 0; undefined for "uniform" */
  readonly w?: number[];
}

function radiusSearch(state: State): (X: Matrix) => RadiusHits[] {
  const fitX = state.matrix("_fit_X");
  const metric: Metric = effectiveMetric(state);
  const radius = metric.distToRdist(state.number("radius"));
  const weights = state.get("weights");
  if (weights !== "uniform" && weights !== "distance" && weights !== null) {
    throw new UnsupportedEstimatorError(
      `${state.owner} uses a callable weights function, which cannot run outside Python`,
    );
  }
  return (X) =>
    Array.from({ length: X.rows }, (_, r) => {
      const ind: number[] = [];
      const dist: number[] = [];
      for (let j = 0; j < fitX.rows; j++) {
        const rd = metric.rdist(X.data, r * X.cols, fitX.data, j * fitX.cols, X.cols);
        if (rd <= radius) {
          ind.push(j);
          dist.push(metric.rdistToDist(rd));
        }
      }
      if (weights !== "distance") return { ind };
      const w = dist.includes(0) ? dist.map((d) => (d === 0 ? 1 : 0)) : dist.map((d) => 1.0 / d);
      return { ind, w };
    });
}

function outlierIndex(state: State, classes: ClassLabels): { index: number; value: unknown } | undefined {
  const raw = state.opt("outlier_label_");
  if (raw === undefined) return undefined;
  const value = Array.isArray(raw) ? raw[0] : raw;
  const plain = typeof value === "bigint" ? Number(value) : value;
  const index = classes.values().findIndex((c) => (typeof c === "bigint" ? Number(c) : c) === plain);
  return { index, value };
}

registerNumericEstimator("RadiusNeighborsClassifier", (state) => {
  if (state.has("outputs_2d_") && state.boolean("outputs_2d_")) {
    throw new UnsupportedEstimatorError(`${state.owner} fitted on multi-output targets is not supported`);
  }
  const classes = new ClassLabels(state.get("classes_"), state.owner);
  const nClass = classes.length;
  const y = state.i32("_y");
  const search = radiusSearch(state);
  const outlier = outlierIndex(state, classes);

  const proba = (X: Matrix): Matrix => {
    const out = matrix(X.rows, nClass);
    search(X).forEach((hit, r) => {
      const base = r * nClass;
      if (hit.ind.length === 0) {
        if (outlier === undefined) {
          throw new InvalidInputError(
            `No neighbors found for test sample ${r}, you can try using larger radius, giving a label for outliers, or considering removing them from your dataset.`,
          );
        }
        if (outlier.index >= 0) out.data[base + outlier.index] = 1.0;
      } else {
        hit.ind.forEach((j, i) => {
          out.data[base + y[j]] += hit.w === undefined ? 1 : hit.w[i];
        });
      }
      let norm = pairwiseSum(out.data, base, nClass);
      if (norm === 0) norm = 1;
      for (let c = 0; c < nClass; c++) out.data[base + c] /= norm;
    });
    return out;
  };

  return {
    methods: {
      predict_proba: (X) => {
        const p = proba(X);
        return float64Array(p.data, [p.rows, p.cols]);
      },
      predict: (X): NDArray => {
        const p = proba(X);
        const labels = classes.take(rowArgmax(p));
        // rows with no neighbour (all-zero probabilities) get the outlier label, even one outside classes_
        for (let r = 0; r < p.rows; r++) {
          if (p.data.subarray(r * nClass, (r + 1) * nClass).every((v) => v === 0) && outlier !== undefined) {
            const data = labels.data as unknown[];
            data[r] = typeof data[r] === "bigint" ? BigInt(outlier.value as number) : outlier.value;
          }
        }
        return labels;
      },
    },
  };
});

registerNumericEstimator("RadiusNeighborsRegressor", (state) => {
  const yArr = state.array("_y");
  const Y = state.matrix("_y");
  const nOut = yArr.shape.length === 1 ? 1 : Y.cols;
  const search = radiusSearch(state);
  const float32 = yArr.dtype.kind === "f" && yArr.dtype.itemsize === 4;
  return {
    methods: {
      predict: (X) => {
        const out = new Float64Array(X.rows * nOut).fill(Number.NaN);
        let weighted = false;
        search(X).forEach((hit, r) => {
          if (hit.ind.length === 0) return; // scikit-learn predicts NaN (with a warning)
          if (hit.w !== undefined) weighted = true;
          for (let o = 0; o < nOut; o++) {
            if (float32 && hit.w === undefined) {
              // one target: the column _y[ind] is contiguous
              const values = Float64Array.from(hit.ind, (j) => Y.data[j * nOut + o]);
              out[r * nOut + o] = meanFloat32(values, nOut === 1);
              continue;
            }
            let num = 0;
            let den = 0;
            hit.ind.forEach((j, i) => {
              const wi = hit.w === undefined ? 1 : hit.w[i];
              num += Y.data[j * nOut + o] * wi;
              den += wi;
            });
            out[r * nOut + o] = num / den;
          }
        });
        // np.mean of float32 targets stays float32; np.average with distance weights gives float64
        const dtype = float32 && !weighted ? FLOAT32 : FLOAT64;
        return castFloat64(out, dtype, yArr.shape.length === 1 ? [X.rows] : [X.rows, nOut]);
      },
    },
  };
});
