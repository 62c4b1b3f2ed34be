import type { NDArray } from "../../pickle/values.js";
import {
  ClassLabels,
  float64Array,
  type Matrix,
  matrix,
  type NumericEstimatorSpec,
  registerDataClass,
  registerNumericEstimator,
  State,
  softmaxInPlace,
  UnsupportedEstimatorError,
} from "../common/index.js";
import {
  binaryProba,
  decisionArray,
  decisionScores,
  type LinearWeights,
  linearWeights,
  logOf,
  normalizeRows,
  ovrLogisticProba,
  predictFromScores,
} from "./linear.js";

/** Linear classifiers: decision_function is `X @ coef_.T + intercept_`, predict its sign or argmax. */

type Proba = (scores: Matrix) => NDArray;

function linearClassifier(
  state: State,
  proba?: Proba,
  classesValue = state.get("classes_"),
): NumericEstimatorSpec {
  const w: LinearWeights = linearWeights(state);
  const classes = new ClassLabels(classesValue, state.owner);
  const methods: NumericEstimatorSpec["methods"] = {
    predict: (X) => predictFromScores(classes, decisionScores(w, X)),
    decision_function: (X) => decisionArray(decisionScores(w, X)),
  };
  if (proba !== undefined) {
    methods.predict_proba = (X) => proba(decisionScores(w, X));
    methods.predict_log_proba = (X) => logOf(proba(decisionScores(w, X)));
  }
  return { methods, finiteCheckedByMethod: true };
}

/** Softmax over the decision values; a binary multinomial model scores [-d, d]. */
function multinomialProba(scores: Matrix): NDArray {
  let m = scores;
  if (scores.cols === 1) {
    m = matrix(scores.rows, 2);
    scores.data.forEach((d, i) => {
      m.data[2 * i] = -d;
      m.data[2 * i + 1] = d;
    });
  }
  return float64Array(softmaxInPlace(m).data, [m.rows, m.cols]);
}

/**
 * How LogisticRegression turns scores into probabilities. Up to scikit-learn 1.7 the pickle holds
 * `multi_class` ("ovr", "multinomial", "auto", "warn" or "deprecated") and "auto" means one-vs-rest for
 * binary problems and the liblinear / newton-cholesky solvers; from 1.8 on the parameter is gone and a
 * binary model is logistic, a multiclass one multinomial.
 */
function logisticProba(state: State, nClasses: number): Proba {
  if (!state.map.has("multi_class")) return nClasses <= 2 ? ovrLogisticProba : multinomialProba;
  const multiClass = state.string("multi_class");
  const solver = state.stringOr("solver", "lbfgs");
  const ovr =
    multiClass === "ovr" ||
    multiClass === "warn" ||
    ((multiClass === "auto" || multiClass === "deprecated") &&
      (nClasses <= 2 || solver === "liblinear" || solver === "newton-cholesky"));
  return ovr ? ovrLogisticProba : multinomialProba;
}

for (const name of ["LogisticRegression", "LogisticRegressionCV"]) {
  registerNumericEstimator(name, (state) =>
    linearClassifier(state, logisticProba(state, state.array("classes_").shape[0])),
  );
}

for (const name of ["RidgeClassifier", "RidgeClassifierCV"]) {
  registerNumericEstimator(name, (state) => {
    const binarizer = state.object("_label_binarizer");
    const binarizerState = new State(binarizer);
    if (binarizerState.stringOr("y_type_", "").startsWith("multilabel")) {
      throw new UnsupportedEstimatorError(`${state.owner} fitted on multilabel targets is not supported`);
    }
    // before scikit-learn 1.6 classes_ is a property reading the binarizer's
    const classes = state.has("classes_") ? state.get("classes_") : binarizerState.get("classes_");
    return linearClassifier(state, undefined, classes);
  });
}

for (const name of ["Perceptron", "PassiveAggressiveClassifier"]) {
  registerNumericEstimator(name, (state) => linearClassifier(state));
}

/** SGDClassifier(loss="modified_huber"): (clip(score, -1, 1) + 1) / 2, normalised for multiclass. */
function modifiedHuberProba(scores: Matrix): NDArray {
  const p = scores.data.map((s) => (Math.min(Math.max(s, -1), 1) + 1) / 2);
  if (scores.cols === 1) return binaryProba(p);
  return float64Array(normalizeRows(matrix(scores.rows, scores.cols, p)).data, [scores.rows, scores.cols]);
}

registerNumericEstimator("SGDClassifier", (state) => {
  const loss = state.string("loss");
  if (loss === "log_loss" || loss === "log") return linearClassifier(state, ovrLogisticProba);
  if (loss === "modified_huber") return linearClassifier(state, modifiedHuberProba);
  return {
    ...linearClassifier(state),
    unavailable: {
      predict_proba: `only for loss="log_loss" or "modified_huber", this model has loss="${loss}"`,
      predict_log_proba: `only for loss="log_loss" or "modified_huber", this model has loss="${loss}"`,
    },
  };
});

// The Cython loss objects SGD models pickle (`loss_function_` / `_loss_function_`): data only.
for (const name of [
  "Hinge",
  "SquaredHinge",
  "Log",
  "ModifiedHuber",
  "SquaredLoss",
  "Huber",
  "EpsilonInsensitive",
  "SquaredEpsilonInsensitive",
]) {
  registerDataClass(name);
}
