import { castFloat64, dtypeParam } from "../common/dtype_param.js";
import { EstimatorStateError, FLOAT64, isNDArray, matrix, toFloat64 } from "../common/index.js";
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
  // dtype=None keeps the input's float64; float32 casts X before binning, which moves values on an edge
  const dtype = dtypeParam(s.opt("dtype"), s.owner, FLOAT64);
  if (dtype.kind !== "f") {
    throw new EstimatorStateError(`KBinsDiscretizer.dtype must be float64 or float32, got ${dtype.str}`);
  }
  const asDType = dtype.itemsize === 4 ? Math.fround : (x: number) => x;
  const encoder =
    encode === "ordinal" ? undefined : memberEstimator(s.get("_encoder"), "KBinsDiscretizer._encoder");
  return {
    methods: {
      transform: (X) => {
        const out = matrix(X.rows, X.cols);
        for (let i = 0; i < X.rows; i++) {
          for (let j = 0; j < X.cols; j++) {
            const x = asDType(X.data[i * X.cols + j]);
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
        const binned = castFloat64(out.data, dtype, [out.rows, out.cols]);
        return encoder === undefined ? binned : encoder.call("transform", binned);
      },
    },
  };
});
