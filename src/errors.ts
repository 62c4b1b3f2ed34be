/**
 * Every error modelserve throws on purpose is a ModelserveError with a stable `code`, so the SDK, the CLI and
 * the inference server can map it (exit code, HTTP status, gRPC status) without parsing messages.
 * Modules define their own subclasses next to the code that throws them; the codes live here so that
 * they stay unique and documented in one place.
 */
export const ErrorCodes = {
  /** A function/task/run spec failed validation (400-like). */
  SPEC_INVALID: "SPEC_INVALID",
  /** An entity (project, function, run...) does not exist. */
  NOT_FOUND: "NOT_FOUND",
  /** An entity with the same identity already exists. */
  ALREADY_EXISTS: "ALREADY_EXISTS",
  /** A lifecycle transition that the current state does not allow. */
  INVALID_TRANSITION: "INVALID_TRANSITION",
  /** The store could not read or write. */
  STORE_FAILURE: "STORE_FAILURE",
  /** A pickle/joblib file is malformed, truncated, hostile, or uses something we do not model. */
  PICKLE_INVALID: "PICKLE_INVALID",
  /** A pickle references a class or function that is not on the allow-list. */
  PICKLE_FORBIDDEN_GLOBAL: "PICKLE_FORBIDDEN_GLOBAL",
  /** A model uses an estimator, flavor or feature we do not support. */
  MODEL_UNSUPPORTED: "MODEL_UNSUPPORTED",
  /** A model failed to load. */
  MODEL_LOAD_FAILED: "MODEL_LOAD_FAILED",
  /** An inference request is malformed (maps to HTTP 400 / gRPC INVALID_ARGUMENT). */
  BAD_REQUEST: "BAD_REQUEST",
  /** An unknown model or version (HTTP 404 / gRPC NOT_FOUND). */
  MODEL_NOT_FOUND: "MODEL_NOT_FOUND",
  /** A model is known but not ready (HTTP 400 as MLServer / gRPC UNAVAILABLE). */
  MODEL_NOT_READY: "MODEL_NOT_READY",
  /** The model threw while predicting (HTTP 500 / gRPC INTERNAL). */
  INFERENCE_FAILED: "INFERENCE_FAILED",
  /** A model artifact (s3://, store://, hf://, local path) could not be fetched. */
  SOURCE_UNAVAILABLE: "SOURCE_UNAVAILABLE",
  /** Executing a run (local process, Kubernetes) failed. */
  EXECUTION_FAILED: "EXECUTION_FAILED",
  /** A run has no service yet (invoke before ready). */
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  /** A request took longer than its configured limit (HTTP 504 / gRPC DEADLINE_EXCEEDED). */
  TIMEOUT: "TIMEOUT",
  /** Bad command-line usage. */
  USAGE: "USAGE",
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class ModelserveError extends Error {
  readonly code: ErrorCode;
  /** Structured, JSON-serialisable detail for machines (e.g. the list of spec issues). */
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options?.details;
  }

  toJSON(): { error: string; code: ErrorCode; details?: unknown } {
    return this.details === undefined
      ? { error: this.message, code: this.code }
      : { error: this.message, code: this.code, details: this.details };
  }
}

export function isModelserveError(e: unknown): e is ModelserveError {
  return e instanceof ModelserveError;
}
