import { UnsupportedBoosterError } from "../errors.js";

/**
 * xgboost's objectives at prediction time, in float32 as xgboost computes them: how the stored
 * base_score (given in the objective's output space) becomes a margin, and how a row's margins become
 * its prediction. `kind` tells the output layout.
 */
export interface XgbObjective {
  /** "scalar": one value per group; "softprob": probabilities per class; "softmax": the class index */
  readonly kind: "scalar" | "softprob" | "softmax";
  readonly baseToMargin: (base: number) => number;
  /** transforms one margin in place (scalar kinds) */
  readonly transform: (margin: number) => number;
}

const f32 = Math.fround;
const identity = (x: number): number => x;

/** xgboost's Sigmoid: 1 / (1 + e^-x), the exponent capped at 88.7 so float32 never overflows. */
function sigmoid(x: number): number {
  const e = f32(Math.exp(Math.min(-x, f32(88.7))));
  return f32(1 / f32(e + 1));
}

const logit = (p: number): number => f32(-Math.log(f32(f32(1 / p) - 1)));
const log = (p: number): number => f32(Math.log(p));
const exp = (x: number): number => f32(Math.exp(x));

const LOGISTIC: XgbObjective = { kind: "scalar", baseToMargin: logit, transform: sigmoid };
const LOG_LINK: XgbObjective = { kind: "scalar", baseToMargin: log, transform: exp };
const IDENTITY: XgbObjective = { kind: "scalar", baseToMargin: identity, transform: identity };

const OBJECTIVES: Readonly<Record<string, XgbObjective>> = {
  "binary:logistic": LOGISTIC,
  "reg:logistic": LOGISTIC,
  // xgboost 3 keeps logitraw's base_score as a margin (measured on the fixtures), unlike logistic's
  "binary:logitraw": IDENTITY,
  "binary:hinge": { kind: "scalar", baseToMargin: identity, transform: (x) => (x > 0 ? 1 : 0) },
  "reg:squarederror": IDENTITY,
  "reg:linear": IDENTITY,
  "reg:squaredlogerror": IDENTITY,
  "reg:pseudohubererror": IDENTITY,
  "reg:absoluteerror": IDENTITY,
  "reg:quantileerror": IDENTITY,
  "rank:pairwise": IDENTITY,
  "rank:ndcg": IDENTITY,
  "rank:map": IDENTITY,
  "count:poisson": LOG_LINK,
  "reg:gamma": LOG_LINK,
  "reg:tweedie": LOG_LINK,
  "survival:cox": LOG_LINK,
  "survival:aft": LOG_LINK,
  "multi:softprob": { kind: "softprob", baseToMargin: identity, transform: identity },
  "multi:softmax": { kind: "softmax", baseToMargin: identity, transform: identity },
};

export function xgbObjective(name: string, file: string): XgbObjective {
  const objective = OBJECTIVES[name];
  if (objective === undefined) {
    throw new UnsupportedBoosterError(
      `${file}: xgboost objective '${name}' is not supported; supported: ${Object.keys(OBJECTIVES).join(", ")}`,
    );
  }
  return objective;
}

/** xgboost's Softmax over one row's margins, in place: shifted by the max, summed in float32. */
export function softmaxInPlace(values: Float32Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > max) max = v;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    values[i] = Math.exp(f32(values[i] - max));
    sum = f32(sum + values[i]);
  }
  for (let i = 0; i < values.length; i++) values[i] = values[i] / sum;
}
