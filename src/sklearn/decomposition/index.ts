import {
  fastLogdet,
  float64Array,
  inverse,
  linearForward,
  type Matrix,
  matmul,
  matrix,
  pairwiseSum,
  registerNumericEstimator,
  type State,
  transpose,
} from "../common/index.js";

/** PCA and TruncatedSVD: projections on the fitted components. */

/** `_BasePCA.get_precision`: the inverse of the model covariance, by the matrix inversion lemma. */
function precision(state: State, components: Matrix, expVar: Float64Array, whiten: boolean): Matrix {
  const noise = state.number("noise_variance_");
  const nf = components.cols;
  const k = components.rows;
  if (k === 0)
    return matrix(
      nf,
      nf,
      Float64Array.from({ length: nf * nf }, (_, i) => (i % (nf + 1) === 0 ? 1 / noise : 0)),
    );
  const C = whiten
    ? matrix(
        k,
        nf,
        components.data.map((v, i) => v * Math.sqrt(expVar[Math.floor(i / nf)])),
      )
    : components;
  const diff = expVar.map((v) => (v > noise ? v - noise : 0));
  const Ct = transpose(C);
  if (noise === 0) {
    // get_covariance, then a plain inverse
    const scaled = matrix(
      nf,
      k,
      Ct.data.map((v, i) => v * diff[i % k]),
    );
    const cov = matmul(scaled, C);
    for (let i = 0; i < nf; i++) cov.data[i * nf + i] += noise;
    return inverse(cov);
  }
  const inner = matmul(C, Ct);
  for (let i = 0; i < inner.data.length; i++) inner.data[i] /= noise;
  for (let i = 0; i < k; i++) inner.data[i * k + i] += 1.0 / diff[i];
  const p = matmul(Ct, matmul(inverse(inner), C));
  for (let i = 0; i < p.data.length; i++) p.data[i] /= -(noise ** 2);
  for (let i = 0; i < nf; i++) p.data[i * nf + i] += 1.0 / noise;
  return p;
}

function registerPCA(name: string, withScore: boolean): void {
  registerNumericEstimator(name, (state) => {
    const components = state.matrix("components_");
    const mean = state.f64("mean_");
    const expVar = state.f64("explained_variance_");
    const whiten = state.boolean("whiten");
    const nf = components.cols;
    // scikit-learn >= 1.4 projects first and subtracts the projected mean; before, it centred X first
    const centreAfter = state.versionAtLeast(1, 4);
    const projectedMean = linearForward(matrix(1, nf, mean), components).data;
    const scale = expVar.map((v) => {
      const s = Math.sqrt(v);
      return centreAfter && s < Number.EPSILON ? Number.EPSILON : s;
    });
    let P: Matrix | undefined;
    let logdetP = 0;
    return {
      methods: {
        transform: (X) => {
          const out = centreAfter
            ? linearForward(X, components)
            : linearForward(
                matrix(
                  X.rows,
                  nf,
                  X.data.map((v, i) => v - mean[i % nf]),
                ),
                components,
              );
          const k = components.rows;
          for (let i = 0; i < out.data.length; i++) {
            if (centreAfter) out.data[i] -= projectedMean[i % k];
            if (whiten) out.data[i] /= scale[i % k];
          }
          return float64Array(out.data, [out.rows, out.cols]);
        },
        ...(withScore && {
          score_samples: (X: Matrix) => {
            if (P === undefined) {
              P = precision(state, components, expVar, whiten);
              logdetP = fastLogdet(P);
            }
            const Xr = matrix(
              X.rows,
              nf,
              X.data.map((v, i) => v - mean[i % nf]),
            );
            const XrP = matmul(Xr, P);
            const prod = Xr.data.map((v, i) => v * XrP.data[i]);
            const constant = 0.5 * (nf * Math.log(2.0 * Math.PI) - logdetP);
            return float64Array(
              Float64Array.from(
                { length: X.rows },
                (_, i) => -0.5 * pairwiseSum(prod, i * nf, nf) - constant,
              ),
            );
          },
        }),
      },
    };
  });
}

// IncrementalPCA shares _BasePCA.transform; only PCA defines score_samples
registerPCA("PCA", true);
registerPCA("IncrementalPCA", false);

registerNumericEstimator("TruncatedSVD", (state) => {
  const components = state.matrix("components_");
  return {
    methods: {
      transform: (X) => {
        const out = linearForward(X, components);
        return float64Array(out.data, [out.rows, out.cols]);
      },
    },
  };
});

registerNumericEstimator("FastICA", (state) => {
  const components = state.matrix("components_");
  // mean_ exists only when the model whitened its input, and is then subtracted first
  const mean = state.has("mean_") ? state.f64("mean_") : undefined;
  return {
    methods: {
      transform: (X) => {
        const centred =
          mean === undefined
            ? X
            : matrix(
                X.rows,
                X.cols,
                X.data.map((v, i) => v - mean[i % X.cols]),
              );
        const out = linearForward(centred, components);
        return float64Array(out.data, [out.rows, out.cols]);
      },
    },
  };
});
