import type { NDArray } from "../../pickle/values.js";
import {
  ClassLabels,
  EstimatorStateError,
  float64Array,
  InvalidInputError,
  int64Array,
  registerDataClass,
  State,
} from "../common/index.js";
import { callFloat } from "../common/meta.js";
import { type Estimator, type Input, type Method, pickledFormOf } from "../estimator.js";
import { registerFitted } from "../preprocessing/transformer.js";

registerDataClass("LabelBinarizer");

/** `_ConstantPredictor`: a class seen alone in training; it always answers its one value. */
registerFitted("_ConstantPredictor", (obj): Estimator => {
  const y = new State(obj).f64("y_");
  const constant = (X: Input): NDArray => {
    const n = "kind" in X ? X.rows : X.shape[0];
    return float64Array(new Float64Array(n).fill(y[0]));
  };
  return {
    cls: obj.cls,
    methods: new Set<Method>(["predict", "decision_function", "predict_proba"]),
    call(method: Method, X: Input): NDArray {
      if (method !== "predict_proba") return constant(X);
      const c = constant(X).data as Float64Array;
      const out = new Float64Array(c.length * 2);
      c.forEach((v, i) => {
        out[2 * i] = 1 - v;
        out[2 * i + 1] = v;
      });
      return float64Array(out, [c.length, 2]);
    },
  };
});

/** scikit-learn's `_predict_binary`: the decision value, else the positive-class probability. */
function binaryScore(est: Estimator, X: Input): Float64Array {
  if (est.methods.has("decision_function")) return callFloat(est, "decision_function", X).data;
  const p = callFloat(est, "predict_proba", X);
  const w = p.shape[1] ?? 1;
  return Float64Array.from({ length: p.shape[0] }, (_, i) => p.data[i * w + 1]);
}

registerFitted("OneVsRestClassifier", (obj): Estimator => {
  const s = new State(obj);
  const ests = s.get("estimators_");
  if (!Array.isArray(ests)) throw new EstimatorStateError("OneVsRestClassifier.estimators_ must be a list");
  const members = ests as Estimator[];
  const lbForm = pickledFormOf(s.get("label_binarizer_")) ?? s.get("label_binarizer_");
  const lb = new State(lbForm as never);
  const yType = lb.string("y_type_");
  const classes = new ClassLabels(lb.get("classes_"), "OneVsRestClassifier");
  const multilabel = yType.startsWith("multilabel");
  const n = (X: Input) => ("kind" in X ? X.rows : X.shape[0]);
  const methods = new Set<Method>(["predict"]);
  if (members.every((e) => e.methods.has("decision_function"))) methods.add("decision_function");
  if (members.every((e) => e.methods.has("predict_proba"))) methods.add("predict_proba");
  const decision = (X: Input) => members.map((e) => callFloat(e, "decision_function", X).data);
  return {
    cls: obj.cls,
    methods,
    nFeaturesIn: s.has("n_features_in_") ? s.number("n_features_in_") : undefined,
    call(method: Method, X: Input): NDArray {
      const rows = n(X);
      const k = members.length;
      if (method === "decision_function" && methods.has(method)) {
        const cols = decision(X);
        if (k === 1) return float64Array(cols[0]);
        const out = new Float64Array(rows * k);
        cols.forEach((c, j) => {
          for (let i = 0; i < rows; i++) out[i * k + j] = c[i];
        });
        return float64Array(out, [rows, k]);
      }
      if (method === "predict_proba" && methods.has(method)) {
        const cols = members.map((e) => {
          const p = callFloat(e, "predict_proba", X);
          return Float64Array.from({ length: rows }, (_, i) => p.data[i * p.shape[1] + 1]);
        });
        const w = k === 1 ? 2 : k;
        const out = new Float64Array(rows * w);
        for (let i = 0; i < rows; i++) {
          if (k === 1) {
            out[2 * i] = 1 - cols[0][i];
            out[2 * i + 1] = cols[0][i];
            continue;
          }
          let sum = 0;
          for (let j = 0; j < k; j++) sum += cols[j][i];
          for (let j = 0; j < k; j++) out[i * k + j] = multilabel ? cols[j][i] : cols[j][i] / sum;
        }
        return float64Array(out, [rows, w]);
      }
      if (method === "predict") {
        const scores = members.map((e) => binaryScore(e, X));
        if (yType === "multiclass") {
          const arg = new Int32Array(rows);
          for (let i = 0; i < rows; i++) {
            let max = Number.NEGATIVE_INFINITY;
            for (let j = 0; j < k; j++) {
              const v = scores[j][i];
              if (v >= max) {
                max = Math.max(max, v);
                arg[i] = j;
              }
            }
          }
          return classes.take(arg);
        }
        const thresh = members[0].methods.has("decision_function") ? 0 : 0.5;
        if (multilabel) {
          const out = new Array<number>(rows * k);
          for (let i = 0; i < rows; i++)
            for (let j = 0; j < k; j++) out[i * k + j] = scores[j][i] > thresh ? 1 : 0;
          return int64Array(out, [rows, k]);
        }
        return classes.take(Array.from(scores[0], (v) => (v > thresh ? 1 : 0)));
      }
      throw new InvalidInputError(
        `OneVsRestClassifier has no method ${method}; it supports: ${[...methods].join(", ")}`,
      );
    },
  };
});
