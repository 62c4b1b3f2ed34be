import type { NDArray } from "../../pickle/values.js";
import { EstimatorStateError, InvalidInputError, State } from "../common/index.js";
import { memberEstimator } from "../common/meta.js";
import { hstack } from "../compose/hstack.js";
import { rowsOf } from "../compose/select.js";
import { type Estimator, type Input, type Method, registerClass } from "../estimator.js";
import { identityTransform } from "../preprocessing/function_transformer.js";

type Step = Estimator | "passthrough";

function steps(v: unknown, owner: string): { name: string; step: Step }[] {
  if (!Array.isArray(v)) throw new EstimatorStateError(`${owner}.steps must be a list`);
  return v.map((entry, i) => {
    if (!Array.isArray(entry) || entry.length < 2 || typeof entry[0] !== "string") {
      throw new EstimatorStateError(`${owner}.steps[${i}] must be a (name, estimator) tuple`);
    }
    const est = entry[1];
    const step: Step =
      est === "passthrough" || est === null
        ? "passthrough"
        : memberEstimator(est, `${owner} step '${entry[0]}'`);
    return { name: entry[0], step };
  });
}

/** Pipeline: every step but the last transforms; the last one runs the requested method. */
registerClass("Pipeline", (obj): Estimator => {
  const s = new State(obj);
  const all = steps(s.get("steps"), "Pipeline");
  if (all.length === 0) throw new EstimatorStateError("Pipeline has no steps");
  const head = all.slice(0, -1);
  const last = all[all.length - 1];
  const first = all.find((x) => x.step !== "passthrough")?.step as Estimator | undefined;
  const methods = new Set<Method>(last.step === "passthrough" ? ["transform"] : last.step.methods);
  const through = (X: Input): Input => {
    let cur: Input = X;
    for (const { step } of head) if (step !== "passthrough") cur = step.call("transform", cur);
    return cur;
  };
  return {
    cls: obj.cls,
    methods,
    nFeaturesIn: first?.nFeaturesIn,
    featureNamesIn: first?.featureNamesIn,
    call(method: Method, X: Input): NDArray {
      if (!methods.has(method)) {
        throw new InvalidInputError(
          `this Pipeline's last step '${last.name}' has no method ${method}; it supports: ${[...methods].join(", ")}`,
        );
      }
      const Xt = through(X);
      return last.step === "passthrough" ? identityTransform(Xt) : last.step.call(method, Xt);
    },
  };
});

/** FeatureUnion: the outputs of its transformers side by side, each scaled by its weight. */
registerClass("FeatureUnion", (obj): Estimator => {
  const s = new State(obj);
  const list = s.get("transformer_list");
  if (!Array.isArray(list)) throw new EstimatorStateError("FeatureUnion.transformer_list must be a list");
  const weightsMap = s.opt("transformer_weights");
  const parts = list.flatMap((entry, i) => {
    if (!Array.isArray(entry) || typeof entry[0] !== "string") {
      throw new EstimatorStateError(
        `FeatureUnion.transformer_list[${i}] must be a (name, transformer) tuple`,
      );
    }
    const [name, trans] = entry as [string, unknown];
    if (trans === "drop" || trans === null) return [];
    const weight =
      weightsMap instanceof Map && typeof weightsMap.get(name) === "number"
        ? (weightsMap.get(name) as number)
        : 1;
    if (trans === "passthrough") return [{ weight, transform: identityTransform }];
    const est = memberEstimator(trans, `FeatureUnion transformer '${name}'`);
    return [{ weight, transform: (X: Input) => est.call("transform", X) }];
  });
  return {
    cls: obj.cls,
    methods: new Set<Method>(["transform"]),
    nFeaturesIn: s.has("n_features_in_") ? s.number("n_features_in_") : undefined,
    call(method: Method, X: Input): NDArray {
      if (method !== "transform")
        throw new InvalidInputError(`FeatureUnion has no method ${method}; it supports: transform`);
      return hstack(
        parts.map((p) => p.transform(X)),
        rowsOf(X),
        parts.map((p) => p.weight),
      );
    },
  };
});
