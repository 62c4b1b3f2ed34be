import { ErrorCodes, ModelserveError } from "../../errors.js";
import { SUPPORTED_FLAVORS } from "../../mlflow/flavors/registry.js";
import { loadMlflowModel, type MlflowModel } from "../../mlflow/model.js";
import { PREDICT_METHOD } from "../../mlflow/pyfunc.js";
import { BadRequestError } from "../../server/errors.js";
import type { InferenceRequest, InferenceResponse, Parameters } from "../../server/protocol/tensor.js";
import type { LoadedModel, ModelMetadata, ModelSettings, RuntimeFactory } from "../runtime.js";
import { type ModelContentType, metadataTensors, modelContentType } from "./metadata.js";
import { decodeRequest, encodeOutput } from "./tensors.js";

/**
 * Serves MLflow models over V2 as MLServer's MLflow runtime (mlserver_mlflow.MLflowRuntime) does: the
 * signature becomes the model's metadata and fixes its content type; request parameters other than
 * `content_type` and `headers` are the pyfunc `params`; `predict_method` (request parameter or model
 * setting) picks another method of a scikit-learn model, which MLServer cannot do (its issue #871).
 * The loaded model also exposes its pyfunc, which MLflow's scoring protocol (`/invocations`) calls.
 */

const CONTENT_TYPES: readonly ModelContentType[] = ["pd", "np", "dict"];

/** Request parameters that are transport settings, not model params (as MLServer strips them). */
const TRANSPORT_PARAMETERS = new Set(["content_type", "headers"]);

function isModelContentType(ct: unknown): ct is ModelContentType {
  return typeof ct === "string" && (CONTENT_TYPES as readonly string[]).includes(ct);
}

class MlflowV2Model implements LoadedModel {
  /** the settings with the signature's metadata, so per-column content types (str, base64, datetime) apply */
  private readonly effective: ModelSettings;
  private readonly contentType: ModelContentType | undefined;
  /** the signature is enforced as MLflow does (safe casts, extra columns ignored), not as declared V2 inputs */
  readonly checksOwnInputs = true;

  constructor(
    readonly settings: ModelSettings,
    readonly pyfunc: MlflowModel,
  ) {
    const signature = pyfunc.signature;
    this.effective = {
      ...settings,
      ...(signature?.inputs ? { inputs: metadataTensors(signature.inputs, "input-") } : {}),
      ...(signature?.outputs ? { outputs: metadataTensors(signature.outputs, "output-") } : {}),
    };
    const declared = settings.parameters?.content_type;
    if (signature?.inputs) this.contentType = modelContentType(signature.inputs);
    else if (declared !== undefined) {
      if (!isModelContentType(declared)) {
        throw new ModelserveError(
          ErrorCodes.SPEC_INVALID,
          `model '${settings.name}': content_type '${String(declared)}' is not one of ${CONTENT_TYPES.join(", ")}`,
        );
      }
      this.contentType = declared;
    }
  }

  metadata(): ModelMetadata {
    const s = this.effective;
    const model = this.pyfunc;
    const parameters: Parameters = { flavor: model.flavor };
    if (this.contentType !== undefined) parameters.content_type = this.contentType;
    if (model.mlmodel.mlflowVersion !== undefined) parameters.mlflow_version = model.mlmodel.mlflowVersion;
    if (model.signature?.params) parameters.params = model.signature.params.map((p) => ({ ...p }));
    return {
      name: s.name,
      versions: s.version === undefined ? undefined : [s.version],
      platform: s.platform ?? "mlflow",
      inputs: s.inputs ?? [],
      outputs: s.outputs ?? [],
      parameters,
    };
  }

  /** The request's content type, else the signature's, else `pd` for several inputs and `np` for one. */
  private requestContentType(request: InferenceRequest): ModelContentType {
    const requested = request.parameters?.content_type;
    if (requested !== undefined) {
      if (!isModelContentType(requested)) {
        throw new BadRequestError(
          `content_type '${String(requested)}' cannot be read by an MLflow model: use ${CONTENT_TYPES.join(", ")}`,
        );
      }
      return requested;
    }
    return this.contentType ?? (request.inputs.length > 1 ? "pd" : "np");
  }

  async infer(request: InferenceRequest): Promise<InferenceResponse> {
    const input = decodeRequest(request, this.requestContentType(request), this.effective);
    const params = Object.fromEntries(
      Object.entries(request.parameters ?? {}).filter(([k]) => !TRANSPORT_PARAMETERS.has(k)),
    );
    const { outputs, parameters } = encodeOutput(await this.pyfunc.predict(input, params));
    const response: InferenceResponse = { model_name: this.settings.name, outputs };
    if (parameters !== undefined) response.parameters = parameters;
    if (this.settings.version !== undefined) response.model_version = this.settings.version;
    if (request.id !== undefined) response.id = request.id;
    return response;
  }

  async unload(): Promise<void> {
    await this.pyfunc.close();
  }
}

/** MLflow models (folder, MLmodel file or .zip; remote ones are fetched by the sources first). */
export const runtime: RuntimeFactory = {
  implementations: ["mlflow", "mlserver_mlflow.MLflowRuntime"],
  async load(settings: ModelSettings): Promise<LoadedModel> {
    if (settings.uri === undefined || settings.uri === "") {
      throw new ModelserveError(
        ErrorCodes.MODEL_LOAD_FAILED,
        `model '${settings.name}' has no uri: point it at an MLflow model folder (with MLmodel) or a .zip of one; flavors served: ${SUPPORTED_FLAVORS.join(", ")}`,
      );
    }
    const method = settings.parameters?.[PREDICT_METHOD];
    const model = await loadMlflowModel(
      settings.uri,
      method === undefined ? {} : { options: { [PREDICT_METHOD]: method } },
    );
    try {
      return new MlflowV2Model(settings, model);
    } catch (e) {
      await model.close();
      throw e;
    }
  },
};
