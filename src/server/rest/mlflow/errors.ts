import { ErrorCodes, isModelserveError, ModelserveError } from "../../../errors.js";
import { ParamsError, SchemaEnforcementError } from "../../../mlflow/errors.js";

/**
 * The errors of MLflow's scoring protocol and the bodies mlflow answers them with:
 * `{"error_code": ..., "message": ..., "sqlstate": ..., "error_class": ...}` (JSON), or plain text for
 * content-type problems (415), with the statuses mlflow gives each code.
 */

/** A body in a content type (or charset) the scoring protocol does not take: HTTP 415, plain text. */
export class UnsupportedContentTypeError extends ModelserveError {
  constructor(message: string) {
    super(ErrorCodes.BAD_REQUEST, message);
  }
}

/** The model failed on an input that decoded fine; mlflow answers these 400 BAD_REQUEST. */
export class ModelEvaluationError extends ModelserveError {
  constructor(cause: unknown) {
    super(
      ErrorCodes.BAD_REQUEST,
      "Encountered an unexpected error while evaluating the model. Verify that the serialized input Dataframe " +
        `is compatible with the model for inference. Error: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/** No model with a pyfunc is ready: nothing answers /invocations (HTTP 404). */
export class NoMlflowModelError extends ModelserveError {
  /** `others`: why the server's other models do not count, e.g. "m (UNAVAILABLE: bad MLmodel)" */
  constructor(others: readonly string[]) {
    super(
      ErrorCodes.MODEL_NOT_FOUND,
      "no MLflow model is ready on this server: /invocations serves models of the mlflow runtime" +
        (others.length > 0 ? `; the others: ${others.join(", ")}` : ""),
    );
  }
}

/** Several MLflow models and no `?model=`: the request must say which (HTTP 400). */
export class AmbiguousMlflowModelError extends ModelserveError {
  constructor(names: readonly string[]) {
    super(
      ErrorCodes.BAD_REQUEST,
      `this server serves ${names.length} MLflow models (${names.join(", ")}): pick one with /invocations?model=<name>`,
    );
  }
}

/** `?model=` names a model of another runtime, which has no pyfunc (HTTP 400). */
export class NotAnMlflowModelError extends ModelserveError {
  constructor(name: string, names: readonly string[]) {
    super(
      ErrorCodes.BAD_REQUEST,
      `model '${name}' is not an MLflow model, so it has no /invocations (it answers V2 requests at ` +
        `/v2/models/${name}/infer); ` +
        (names.length > 0 ? `MLflow models here: ${names.join(", ")}` : "no MLflow model is served here"),
    );
  }
}

interface MlflowErrorCode {
  status: number;
  error_code: string;
  /** mlflow derives these from the error code and writes them after the message */
  sqlstate?: string;
  error_class?: string;
}

const INTERNAL_ERROR: MlflowErrorCode = {
  status: 500,
  error_code: "INTERNAL_ERROR",
  sqlstate: "XXM00",
  error_class: "CLIENT_INTERNAL_ERROR",
};

/** mlflow's error code (and the status mlflow gives it) for ours. */
const MLFLOW_ERRORS: Partial<Record<string, MlflowErrorCode>> = {
  [ErrorCodes.BAD_REQUEST]: {
    status: 400,
    error_code: "BAD_REQUEST",
    sqlstate: "KAM00",
    error_class: "INVALID_PARAMETER_VALUE",
  },
  [ErrorCodes.MODEL_NOT_FOUND]: {
    status: 404,
    error_code: "RESOURCE_DOES_NOT_EXIST",
    sqlstate: "KAM00",
    error_class: "RESOURCE_NOT_FOUND",
  },
  [ErrorCodes.MODEL_NOT_READY]: {
    status: 503,
    error_code: "TEMPORARILY_UNAVAILABLE",
    sqlstate: "XXM00",
    error_class: "CLIENT_INTERNAL_ERROR",
  },
  [ErrorCodes.TIMEOUT]: { status: 504, error_code: "DEADLINE_EXCEEDED" },
};

/** pyfunc's refusals: mlflow raises these as INVALID_PARAMETER_VALUE, a schema one with its own class. */
const SCHEMA_ENFORCEMENT: MlflowErrorCode = {
  status: 400,
  error_code: "INVALID_PARAMETER_VALUE",
  sqlstate: "KAM01",
  error_class: "SCHEMA_ENFORCEMENT_FAILED",
};
const INVALID_PARAMETER_VALUE: MlflowErrorCode = {
  status: 400,
  error_code: "INVALID_PARAMETER_VALUE",
  sqlstate: "KAM00",
  error_class: "INVALID_PARAMETER_VALUE",
};

function mlflowCode(e: unknown): MlflowErrorCode | undefined {
  if (e instanceof SchemaEnforcementError) return SCHEMA_ENFORCEMENT;
  if (e instanceof ParamsError) return INVALID_PARAMETER_VALUE;
  return isModelserveError(e) ? MLFLOW_ERRORS[e.code] : undefined;
}

/** The status, body and content type mlflow answers for an error. */
export function mlflowErrorResponse(e: unknown): { status: number; body: string; contentType: string } {
  if (e instanceof UnsupportedContentTypeError) {
    return { status: 415, body: e.message, contentType: "text/plain; charset=utf-8" };
  }
  const known = mlflowCode(e);
  const { status, ...code } = known ?? INTERNAL_ERROR;
  const reason = e instanceof Error ? e.message : String(e);
  const message = known === undefined ? `internal error: ${reason}` : reason;
  const { error_code, ...classification } = code;
  return {
    status,
    body: JSON.stringify({ error_code, message, ...classification }),
    contentType: "application/json",
  };
}
