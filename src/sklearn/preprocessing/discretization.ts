import { EstimatorStateError, isNDArray, matrix, matrixToArray, toFloat64 } from "../common/index.js";
import { memberEstimator } from "../common/meta.js";
import { registerFittedNumeric } from "./transformer.js";

/** KBinsDiscretizer: each value becomes the index of its bin (`searchsorted(edges[1:-1], x, side="right")`). */
registerFittedNumeric("KBinsDiscretizer", (s) => {
  const edgesArr = s.array("bin_edges_");
  if (!isNDArray(edgesArr) || !Array.isArray(edgesArr.data)) {
    throw new EstimatorStateError("KBinsDiscretizer.bin_edges_ must be an object array of per-feature edges");
  }
  const inner = edgesArr.data.map((e, j) => toFloat64(e, `KBinsDiscretizer.bin_edges_[${j}]`).slice(1, -1));
  const encode = s.stringOr("encode", "onehot");
  const encoder =
    encode === "ordinal" ? undefined : memberEstimator(s.get("_encoder"), "KBinsDiscretizer._encoder");
  return {
    methods: {
      transform: (X) => {
        const out = matrix(X.rows, X.cols);
        for (let i = 0; i < X.rows; i++) {
          for (let j = 0; j < X.cols; j++) {
            const x = X.data[i * X.cols + j];
            const e = inner[j];
            let lo = 0;
            let hi = e.length;
            while (lo < hi) {
              const mid = (lo + hi) >> 1;
              if (e[mid] <= x) lo = mid + 1;
              else hi = mid;
            }
            out.data[i * X.cols + j] = lo;
          }
        }
        const binned = matrixToArray(out);
        return encoder === undefined ? binned : encoder.call("transform", binned);
      },
    },
  };
});
