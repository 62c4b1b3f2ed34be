import { ErrorCodes, ModelserveError } from "../../errors.js";
import { BadRequestError } from "../../server/errors.js";
import type { InferenceRequest, InferenceResponse } from "../../server/protocol/tensor.js";
import type { Estimator, Method } from "../../sklearn/estimator.js";
import "../../sklearn/index.js";
import { loadEstimatorFile } from "../../sklearn/load.js";
import type { LoadedModel, ModelMetadata, ModelSettings, RuntimeFactory } from "../runtime.js";
import { locateModelFile } from "./locate.js";
import { outputTensor, requestInput } from "./tensors.js";

/** The methods an output may be named after (MLServer allows the first three; the rest are ours). */
const METHODS: readonly Method[] = [
  "predict",
  "predict_proba",
  "transform",
  "decision_function",
  "predict_log_proba",
  "score_samples",
];

function isMethod(name: string): name is Method {
  return (METHODS as readonly string[]).includes(name);
}

/** The default output: model-settings `parameters.predict_fn` (MLServer's extra), else predict. */
function defaultMethod(settings: ModelSettings, est: Estimator): Method {
  const fn = settings.parameters?.predict_fn;
  if (fn === undefined)
    return est.methods.has("predict") || !est.methods.has("transform") ? "predict" : "transform";
  if (typeof fn !== "string" || !isMethod(fn)) {
    throw new ModelserveError(
      ErrorCodes.SPEC_INVALID,
      `model '${settings.name}': predict_fn '${String(fn)}' is not one of ${METHODS.join(", ")}`,
    );
  }
  if (!est.methods.has(fn)) {
    throw new ModelserveError(
      ErrorCodes.MODEL_UNSUPPORTED,
      `model '${settings.name}': predict_fn is '${fn}', but ${shortName(est.cls)} supports ${[...est.methods].join(", ")}`,
    );
  }
  return fn;
}

function shortName(cls: string): string {
  return cls.slice(cls.lastIndexOf(".") + 1);
}

class SklearnModel implements LoadedModel {
  private readonly method: Method;

  constructor(
    readonly settings: ModelSettings,
    private readonly estimator: Estimator,
  ) {
    this.method = defaultMethod(settings, estimator);
  }

  /**
   * Inputs and outputs are those declared in the model settings: a pickle does not say a column's type
   * (an encoder fitted on strings has n_features_in_ too), and the server checks requests against declared
   * datatypes. What the pickle does say (feature count and names, methods) is in `parameters`.
   */
  metadata(): ModelMetadata {
    const s = this.settings;
    const est = this.estimator;
    const parameters: Record<string, unknown> = {
      estimator: est.cls,
      methods: METHODS.filter((m) => est.methods.has(m)),
      default_output: this.method,
    };
    if (est.nFeaturesIn !== undefined) parameters.n_features_in = est.nFeaturesIn;
    if (est.featureNamesIn !== undefined) {
      parameters.feature_names_in = [...est.featureNamesIn];
      parameters.content_type = "pd";
    }
    return {
      name: s.name,
      versions: s.version === undefined ? undefined : [s.version],
      platform: s.platform ?? "sklearn",
      inputs: s.inputs ?? [],
      outputs: s.outputs ?? [],
      parameters,
    };
  }

  infer(request: InferenceRequest): InferenceResponse {
    const est = this.estimator;
    const methods = request.outputs?.length ? request.outputs.map((o) => o.name) : [this.method];
    for (const m of methods) {
      if (!isMethod(m)) {
        throw new BadRequestError(
          `output '${m}' is not a scikit-learn method: request one of ${METHODS.join(", ")}`,
        );
      }
      if (!est.methods.has(m)) {
        throw new BadRequestError(
          `${shortName(est.cls)} does not support '${m}'; it supports ${[...est.methods].join(", ")}`,
        );
      }
    }
    const X = requestInput(request, this.settings);
    const outputs = (methods as Method[]).map((m) => outputTensor(m, est.call(m, X)));
    const response: InferenceResponse = { model_name: this.settings.name, outputs };
    if (this.settings.version !== undefined) response.model_version = this.settings.version;
    if (request.id !== undefined) response.id = request.id;
    return response;
  }
}

/** Serves scikit-learn pickles and joblib files with the TypeScript estimators (no Python). */
export const runtime: RuntimeFactory = {
  implementations: ["sklearn", "mlserver_sklearn.SKLearnModel"],
  async load(settings: ModelSettings): Promise<LoadedModel> {
    const file = await locateModelFile(settings.uri, settings.name);
    return new SklearnModel(settings, await loadEstimatorFile(file));
  },
};
