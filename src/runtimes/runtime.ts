import type { PyfuncModel } from "../mlflow/pyfunc.js";
import type {
  InferenceRequest,
  InferenceResponse,
  Parameters,
  TensorMetadata,
} from "../server/protocol/tensor.js";

/**
 * The plug-in interface between the inference server and a model kind. One folder per runtime under
 * src/runtimes/<name>/ exports a RuntimeFactory; the server never knows which ML library is behind it.
 * Flow: transport → codec (wire → Tensor) → runtime.infer → model → Tensor → codec (Tensor → wire).
 */

/** MLServer-compatible model settings (model-settings.json), normalised. */
export interface ModelSettings {
  name: string;
  /** runtime id, e.g. "sklearn", "mlflow", "noop"; MLServer class paths such as "mlserver_sklearn.SKLearnModel" are mapped to ours */
  implementation: string;
  version?: string;
  /** absolute local path of the model file or folder, already fetched by a source */
  uri?: string;
  /** free-form, runtime-specific settings (MLServer's `parameters.extra`, plus our own keys) */
  parameters?: Parameters;
  max_batch_size?: number;
  max_batch_time?: number;
  parallel_workers?: number;
  /** declared metadata from model-settings.json (MLServer's `inputs`, `outputs`, `platform`); runtimes may use it as theirs */
  inputs?: TensorMetadata[];
  outputs?: TensorMetadata[];
  platform?: string;
}

export interface ModelMetadata {
  name: string;
  versions?: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
  parameters?: Parameters;
}

export interface LoadedModel {
  readonly settings: ModelSettings;
  metadata(): ModelMetadata;
  /** Must throw a ModelserveError(BAD_REQUEST) for inputs it cannot accept, anything else is a 500. */
  infer(request: InferenceRequest): Promise<InferenceResponse> | InferenceResponse;
  /**
   * The runtime checks requests against its metadata itself, with rules of its own (an MLflow signature
   * casts safely, ignores extra columns, allows optional ones), so the server does not check declared
   * inputs and outputs strictly.
   */
  readonly checksOwnInputs?: boolean;
  /** an MLflow model's pyfunc, for MLflow's scoring protocol (`/invocations`); absent for other runtimes */
  readonly pyfunc?: PyfuncModel;
  unload?(): Promise<void> | void;
}

export interface RuntimeFactory {
  /** ids this runtime answers to in `implementation` (ours and MLServer's class paths) */
  readonly implementations: readonly string[];
  load(settings: ModelSettings): Promise<LoadedModel>;
}
