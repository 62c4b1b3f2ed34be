import { ErrorCodes, ModelserveError } from "../errors.js";

/** A pickle/joblib file is malformed, truncated, hostile, or uses a Python feature we do not model. */
export class PickleError extends ModelserveError {
  constructor(message: string, options?: { cause?: unknown; details?: unknown }) {
    super(ErrorCodes.PICKLE_INVALID, message, options);
  }
}

/** A pickle names a class or function that is not on the allow-list; nothing of it was executed. */
export class ForbiddenGlobalError extends ModelserveError {
  /** "module.name" as written in the file */
  readonly global: string;

  constructor(global: string, message: string) {
    super(ErrorCodes.PICKLE_FORBIDDEN_GLOBAL, message, { details: { global } });
    this.global = global;
  }
}
