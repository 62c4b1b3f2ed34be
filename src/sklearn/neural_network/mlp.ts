import type { NDArray } from "../../pickle/values.js";
import {
  ClassLabels,
  EstimatorStateError,
  expit,
  float64Array,
  isPyObject,
  linearForward,
  type Matrix,
  registerDataClass,
  registerNumericEstimator,
  rowArgmax,
  State,
  softmaxInPlace,
  toFloat64,
  toMatrix,
  transpose,
  UnsupportedEstimatorError,
} from "../common/index.js";
import { binaryProba } from "../linear_model/linear.js";

/** MLPClassifier and MLPRegressor: `_forward_pass_fast` over the pickled layers. */

type Activation = (m: Matrix) => void;

function elementwise(f: (x: number) => number): Activation {
  return (m) => {
    const d = m.data;
    for (let i = 0; i < d.length; i++) d[i] = f(d[i]);
  };
}

const ACTIVATIONS: Record<string, Activation> = {
  identity: () => {},
  exp: elementwise(Math.exp),
  tanh: elementwise(Math.tanh),
  logistic: elementwise(expit),
  relu: elementwise((x) => Math.max(x, 0)),
  softmax: (m) => {
    softmaxInPlace(m);
  },
};

function activation(state: State, key: string): Activation {
  const name = state.string(key);
  const f = ACTIVATIONS[name];
  if (f === undefined)
    throw new UnsupportedEstimatorError(`${state.owner} uses unknown activation '${name}'`);
  return f;
}

interface Layer {
  /** coefs_[i] transposed: (units_out × units_in), the row-per-output layout linearForward expects */
  readonly W: Matrix;
  readonly b: Float64Array;
}

function layers(state: State): Layer[] {
  const coefs = state.get("coefs_");
  const intercepts = state.get("intercepts_");
  if (!Array.isArray(coefs) || !Array.isArray(intercepts) || coefs.length !== intercepts.length) {
    throw new EstimatorStateError(
      `${state.owner}.coefs_ / intercepts_ must be lists of arrays of the same length`,
    );
  }
  return coefs.map((c, i) => {
    const W = transpose(toMatrix(c, `${state.owner}.coefs_[${i}]`));
    return { W, b: toFloat64(intercepts[i], `${state.owner}.intercepts_[${i}]`) };
  });
}

function forward(state: State): (X: Matrix) => Matrix {
  const net = layers(state);
  const hidden = activation(state, "activation");
  const out = activation(state, "out_activation_");
  return (X) => {
    let a = X;
    net.forEach((layer, i) => {
      a = linearForward(a, layer.W, layer.b);
      if (i !== net.length - 1) hidden(a);
    });
    out(a);
    return a;
  };
}

registerNumericEstimator("MLPRegressor", (state) => {
  const run = forward(state);
  return {
    methods: {
      predict: (X) => {
        const y = run(X);
        return float64Array(y.data, y.cols === 1 ? [y.rows] : [y.rows, y.cols]);
      },
    },
  };
});

registerNumericEstimator("MLPClassifier", (state) => {
  const run = forward(state);
  const classes = new ClassLabels(state.get("classes_"), state.owner);
  const binarizer = state.get("_label_binarizer");
  const yType = isPyObject(binarizer) ? new State(binarizer).stringOr("y_type_", "") : "";
  if (yType.startsWith("multilabel")) {
    throw new UnsupportedEstimatorError(`${state.owner} fitted on multilabel targets is not supported`);
  }
  const proba = (X: Matrix): NDArray => {
    const y = run(X);
    return y.cols === 1 ? binaryProba(y.data) : float64Array(y.data, [y.rows, y.cols]);
  };
  return {
    methods: {
      // LabelBinarizer.inverse_transform: argmax for multiclass, output > 0.5 for binary
      predict: (X) => {
        const y = run(X);
        if (y.cols === 1) return classes.take(Array.from(y.data, (p) => (p > 0.5 ? 1 : 0)));
        return classes.take(rowArgmax(y));
      },
      predict_proba: proba,
      predict_log_proba: (X) => {
        const p = proba(X);
        return float64Array((p.data as Float64Array).map(Math.log), p.shape);
      },
    },
  };
});

// The optimiser state a model fitted with solver="adam"/"sgd" keeps (for warm starts): data only.
registerDataClass("AdamOptimizer");
registerDataClass("SGDOptimizer");
