import type { PyObject } from "../../pickle/values.js";
import {
  argmax,
  ClassLabels,
  EstimatorStateError,
  expit,
  float64Array,
  isNDArray,
  isPyObject,
  type Matrix,
  type MatrixMethod,
  matrix,
  numericEstimator,
  pairwiseSum,
  registerDataClass,
  rowLogSumExp,
  State,
  softmaxInPlace,
  UnsupportedEstimatorError,
} from "../common/index.js";
import {
  atLeast,
  callFloat,
  matrixInput,
  memberEstimator,
  pickledVersion,
  unfittedEstimator,
} from "../common/meta.js";
import { type Estimator, registerClass } from "../estimator.js";
import type { TreeModel } from "../tree/model.js";
import { treeModels } from "./forest.js";
import { predictPack } from "./parallel.js";
import { buildPack, type PackedTree, type TreePack } from "./tree_pack.js";

/**
 * GradientBoosting{Classifier,Regressor}: raw predictions start from the `init_` estimator (or zero) and
 * add `learning_rate × leaf value` of every stage's trees. scikit-learn < 1.4 pickles its own loss objects
 * (`sklearn.ensemble._gb_losses`), later releases the common `sklearn._loss` ones; the two differ in how the
 * initial raw prediction and the probabilities are computed, and both are reproduced.
 */

// scikit-learn < 1.4's loss classes (the common sklearn._loss ones are registered in common/losses.ts).
for (const name of [
  "BinomialDeviance",
  "MultinomialDeviance",
  "LeastSquaresError",
  "LeastAbsoluteError",
  "HuberLossFunction",
  "QuantileLossFunction",
]) {
  registerDataClass(name);
}

type ClassLoss = "binomial" | "multinomial" | "exponential";

interface LossInfo {
  readonly kind: ClassLoss | "regression";
  /** a `sklearn.ensemble._gb_losses` object (scikit-learn < 1.4) */
  readonly legacy: boolean;
}

const CLASS_LOSSES: Record<string, ClassLoss> = {
  BinomialDeviance: "binomial",
  HalfBinomialLoss: "binomial",
  MultinomialDeviance: "multinomial",
  HalfMultinomialLoss: "multinomial",
  ExponentialLoss: "exponential",
};

function lossInfo(state: State): LossInfo {
  const loss = state.get("_loss");
  if (!isPyObject(loss)) throw state.typeError("_loss", loss, "a loss object");
  const name = loss.cls.slice(loss.cls.lastIndexOf(".") + 1);
  return { kind: CLASS_LOSSES[name] ?? "regression", legacy: loss.cls.includes("._gb_losses.") };
}

const FLOAT32_EPS = 2 ** -23;
const FLOAT64_EPS = 2 ** -52;

function clip(p: number, eps: number): number {
  return Math.min(Math.max(p, eps), 1 - eps);
}

/** The initial raw predictions (rows × K) from `init_`, as `_init_raw_predictions` / `get_init_raw_predictions`. */
function initRaw(init: Estimator | "zero", loss: LossInfo, eps: number, X: Matrix, K: number): Float64Array {
  const raw = new Float64Array(X.rows * K);
  if (init === "zero") return raw;
  const Xin = matrixInput(X);
  if (loss.kind === "regression") {
    const pred = callFloat(init, "predict", Xin).data;
    if (pred.length !== raw.length)
      throw new EstimatorStateError("GradientBoosting init_ predicted the wrong shape");
    raw.set(pred);
    return raw;
  }
  const proba = callFloat(init, "predict_proba", Xin).data;
  const C = proba.length / X.rows;
  if (loss.kind !== "multinomial") {
    const half = loss.kind === "exponential" ? 0.5 : 1;
    for (let i = 0; i < X.rows; i++) {
      const p = clip(proba[i * C + 1], eps);
      raw[i] = half === 1 ? Math.log(p / (1 - p)) : half * Math.log(p / (1 - p));
    }
    return raw;
  }
  const logs = new Float64Array(C);
  for (let i = 0; i < X.rows; i++) {
    for (let k = 0; k < C; k++) logs[k] = Math.log(clip(proba[i * C + k], eps));
    if (loss.legacy) {
      raw.set(logs, i * C);
      continue;
    }
    // symmetric multinomial logit: log(p / geometric mean of p)
    const gm = Math.exp(pairwiseSum(logs, 0, C) / C);
    for (let k = 0; k < C; k++) raw[i * C + k] = Math.log(clip(proba[i * C + k], eps) / gm);
  }
  return raw;
}

/** Class probabilities from raw predictions (rows × K), as the pickled loss computes them. */
function probaFromRaw(raw: Float64Array, rows: number, K: number, loss: LossInfo): Float64Array {
  if (K === 1) {
    const out = new Float64Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      const p = expit(loss.kind === "exponential" ? 2 * raw[i] : raw[i]);
      out[2 * i] = 1 - p;
      out[2 * i + 1] = p;
    }
    return out;
  }
  if (!loss.legacy) return softmaxInPlace(matrix(rows, K, Float64Array.from(raw))).data;
  // scikit-learn < 1.4: nan_to_num(exp(raw - logsumexp(raw)))
  const lse = rowLogSumExp(matrix(rows, K, raw));
  const out = new Float64Array(rows * K);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < K; k++) {
      const v = Math.exp(raw[i * K + k] - lse[i]);
      out[i * K + k] = Number.isNaN(v) ? 0 : v;
    }
  }
  return out;
}

/** Encoded class per row: by probability for scikit-learn < 1.4 deviances, else by the raw sign / arg-max. */
function encodedClasses(raw: Float64Array, rows: number, K: number, loss: LossInfo): Int32Array {
  const out = new Int32Array(rows);
  if (K === 1) {
    const byProba = loss.legacy && loss.kind === "binomial";
    for (let i = 0; i < rows; i++) {
      if (byProba) {
        const p = expit(raw[i]);
        out[i] = p > 1 - p ? 1 : 0;
      } else out[i] = raw[i] >= 0 ? 1 : 0;
    }
    return out;
  }
  const proba = loss.legacy ? probaFromRaw(raw, rows, K, loss) : raw;
  for (let i = 0; i < rows; i++) out[i] = argmax(proba, i * K, K);
  return out;
}

/**
 * The stages' trees in one TreePack (made at the first predict): tree k of a stage adds learning_rate × its
 * leaf value to column k, as scikit-learn's predict_stages does (the product is the same computed here once).
 */
function stagesPack(trees: readonly TreeModel[], K: number, lr: number): () => TreePack {
  let pack: TreePack | undefined;
  return () => {
    pack ??= buildPack(
      trees.map(
        (t, i): PackedTree => ({
          packed: t.tree.packed,
          threshold: t.tree.threshold,
          column: i % K,
          leafValues: (n, into, at) => {
            into[at] = lr * t.tree.values[n];
          },
        }),
      ),
      { width: 1, stride: K, round32: true },
      "shared",
    );
    return pack;
  };
}

function buildGradientBoosting(obj: PyObject): Estimator {
  const state = new State(obj);
  if (!state.has("estimators_")) return unfittedEstimator(obj);
  const grid = state.array("estimators_");
  if (!isNDArray(grid) || grid.shape.length !== 2)
    throw state.typeError("estimators_", grid, "a 2-D array of trees");
  const [, K] = grid.shape;
  const trees: TreeModel[] = treeModels(grid.data, `${state.owner}.estimators_`);
  const lr = state.number("learning_rate");
  const initValue = state.get("init_");
  const init = initValue === "zero" ? "zero" : memberEstimator(initValue, `${state.owner}.init_`);
  const loss = lossInfo(state);
  const eps = !loss.legacy && atLeast(pickledVersion(state.map), 1, 8) ? FLOAT64_EPS : FLOAT32_EPS;

  const pack = stagesPack(trees, K, lr);
  const rawPredict = (X: Matrix): Float64Array => {
    // scikit-learn validates X to float32 before the init estimator sees it
    const raw = initRaw(init, loss, eps, matrix(X.rows, X.cols, X.data.map(Math.fround)), K);
    return predictPack(pack(), X.data, X.rows, X.cols, raw);
  };

  let methods: Partial<Record<string, MatrixMethod>>;
  if (loss.kind === "regression") {
    if (K !== 1)
      throw new UnsupportedEstimatorError(`${state.owner} with ${K} trees per stage is not a regressor`);
    methods = { predict: (X) => float64Array(rawPredict(X)) };
  } else {
    const classes = new ClassLabels(state.get("classes_"), state.owner);
    const C = K === 1 ? 2 : K;
    const proba = (X: Matrix) => probaFromRaw(rawPredict(X), X.rows, K, loss);
    methods = {
      decision_function: (X) => float64Array(rawPredict(X), K === 1 ? [X.rows] : [X.rows, K]),
      predict: (X) => classes.take(encodedClasses(rawPredict(X), X.rows, K, loss)),
      predict_proba: (X) => float64Array(proba(X), [X.rows, C]),
      predict_log_proba: (X) => float64Array(proba(X).map(Math.log), [X.rows, C]),
    };
  }
  // GradientBoosting's predict refuses NaN in every release (only HistGradientBoosting handles it)
  return numericEstimator(obj, state, { methods });
}

registerClass("GradientBoostingClassifier", buildGradientBoosting);
registerClass("GradientBoostingRegressor", buildGradientBoosting);
