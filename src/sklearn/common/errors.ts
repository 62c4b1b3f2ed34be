import { ErrorCodes, ModelserveError } from "../../errors.js";

/** The request's X cannot be used by the estimator (wrong shape, feature count, types). Maps to HTTP 400. */
export class InvalidInputError extends ModelserveError {
  constructor(message: string, details?: unknown) {
    super(ErrorCodes.BAD_REQUEST, message, details === undefined ? undefined : { details });
  }
}

/** The pickled estimator lacks a fitted attribute or holds one of an unexpected type. */
export class EstimatorStateError extends ModelserveError {
  constructor(message: string) {
    super(ErrorCodes.MODEL_LOAD_FAILED, message);
  }
}

/** The estimator uses a setting we do not reproduce (a callable kernel, a custom metric...). */
export class UnsupportedEstimatorError extends ModelserveError {
  constructor(message: string) {
    super(ErrorCodes.MODEL_UNSUPPORTED, message);
  }
}
