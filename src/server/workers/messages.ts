import type { ModelMetadata, ModelSettings } from "../../runtimes/runtime.js";
import type { InferenceRequest, InferenceResponse } from "../protocol/tensor.js";

/** Messages between the server and a model's worker threads (structured-cloned). */

export interface WorkerData {
  settings: ModelSettings;
}

export type ToWorker = { type: "infer"; id: number; request: InferenceRequest } | { type: "unload" };

export interface SerializedError {
  message: string;
  /** the ModelserveError code, when it was one */
  code?: string;
}

export type FromWorker =
  | { type: "ready"; metadata: ModelMetadata }
  | { type: "load-failed"; error: SerializedError }
  | { type: "result"; id: number; response: InferenceResponse }
  | { type: "failed"; id: number; error: SerializedError }
  | { type: "unloaded" };
