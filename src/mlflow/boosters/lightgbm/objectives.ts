import { UnsupportedBoosterError } from "../errors.js";

/**
 * LightGBM's output conversions (ObjectiveFunction::ConvertOutput), in double as LightGBM computes them.
 * The objective line of the model names the objective and its parameters: "binary sigmoid:1",
 * "multiclassova num_class:3 sigmoid:1", "regression sqrt".
 */
export interface LgbObjective {
  /** "rows": one value per class computed from all of a row's raw scores (softmax); "each": value by value */
  readonly kind: "each" | "rows";
  readonly convert: (raw: Float64Array) => void;
}

function eachValue(f: (x: number) => number): LgbObjective {
  return {
    kind: "each",
    convert: (raw) => {
      for (let i = 0; i < raw.length; i++) raw[i] = f(raw[i]);
    },
  };
}

function softmax(raw: Float64Array): void {
  let max = raw[0];
  for (let i = 1; i < raw.length; i++) max = Math.max(raw[i], max);
  let sum = 0;
  for (let i = 0; i < raw.length; i++) {
    raw[i] = Math.exp(raw[i] - max);
    sum += raw[i];
  }
  for (let i = 0; i < raw.length; i++) raw[i] /= sum;
}

const IDENTITY = eachValue((x) => x);
const SQUARED = eachValue((x) => Math.sign(x) * x * x);
const EXP = eachValue(Math.exp);
const LOGISTIC = eachValue((x) => 1 / (1 + Math.exp(-x)));

/** the objectives whose "sqrt" option (trained on √label) squares the output back */
const REGRESSIONS = new Set(["regression", "regression_l1", "huber", "fair", "quantile", "mape"]);
const LOG_LINKS = new Set(["poisson", "gamma", "tweedie"]);
const RANKINGS = new Set(["lambdarank", "rank_xendcg"]);

export function lgbObjective(line: string, file: string): LgbObjective {
  const [name, ...options] = line.trim().split(/\s+/);
  const param = (key: string): string | undefined =>
    options.find((o) => o.startsWith(`${key}:`))?.slice(key.length + 1);
  const sigmoidOf = (): number => {
    const s = Number(param("sigmoid") ?? "1");
    if (!(s > 0)) throw new UnsupportedBoosterError(`${file}: objective '${line}' has an invalid sigmoid`);
    return s;
  };
  if (REGRESSIONS.has(name)) return options.includes("sqrt") ? SQUARED : IDENTITY;
  if (LOG_LINKS.has(name)) return EXP;
  if (RANKINGS.has(name)) return IDENTITY;
  switch (name) {
    case "binary":
    case "multiclassova": {
      const s = sigmoidOf();
      return eachValue((x) => 1 / (1 + Math.exp(-s * x)));
    }
    case "multiclass":
      return { kind: "rows", convert: softmax };
    case "cross_entropy":
      return LOGISTIC;
    case "cross_entropy_lambda":
      return eachValue((x) => Math.log(1 + Math.exp(x)));
    default:
      throw new UnsupportedBoosterError(
        `${file}: LightGBM objective '${name}' is not supported (custom objectives have no known output transform)`,
      );
  }
}
