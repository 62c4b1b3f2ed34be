import { ErrorCodes, ModelserveError } from "../errors.js";

/** A malformed inference request (HTTP 400 / gRPC INVALID_ARGUMENT); the message names the culprit. */
export class BadRequestError extends ModelserveError {
  constructor(message: string, options?: { cause?: unknown; details?: unknown }) {
    super(ErrorCodes.BAD_REQUEST, message, options);
  }
}

/** An unknown model or version (HTTP 404 / gRPC NOT_FOUND). */
export class ModelNotFoundError extends ModelserveError {
  constructor(name: string, version?: string) {
    super(
      ErrorCodes.MODEL_NOT_FOUND,
      version === undefined ? `model '${name}' not found` : `model '${name}' version '${version}' not found`,
    );
  }
}

/** A model that is known but not ready: still loading, unloaded, or failed to load (HTTP 400 / gRPC UNAVAILABLE). */
export class ModelNotReadyError extends ModelserveError {
  constructor(name: string, version: string | undefined, state: string, reason?: string) {
    const which = version === undefined ? `'${name}'` : `'${name}' version '${version}'`;
    super(
      ErrorCodes.MODEL_NOT_READY,
      `model ${which} is not ready (state ${state}${reason ? `: ${reason}` : ""})`,
    );
  }
}

/** The model threw while predicting (HTTP 500 / gRPC INTERNAL); the message is the model's. */
export class InferenceFailedError extends ModelserveError {
  constructor(model: string, message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.INFERENCE_FAILED, `model '${model}' failed: ${message}`, options);
  }
}

/** A model that could not be loaded (bad settings, missing file, unknown runtime). */
export class ModelLoadError extends ModelserveError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.MODEL_LOAD_FAILED, message, options);
  }
}

/** An inference that outlived the server's request timeout (HTTP 504 / gRPC DEADLINE_EXCEEDED). */
export class InferenceTimeoutError extends ModelserveError {
  constructor(model: string, timeoutMs: number) {
    super(ErrorCodes.TIMEOUT, `model '${model}' did not answer within ${timeoutMs} ms (request timeout)`);
  }
}
