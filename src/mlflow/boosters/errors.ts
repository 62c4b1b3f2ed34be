import { ErrorCodes, ModelserveError } from "../../errors.js";

/** A booster model file that is malformed, truncated or inconsistent; the message names the file and the spot. */
export class BoosterFormatError extends ModelserveError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.MODEL_LOAD_FAILED, message, options);
  }
}

/** A well-formed booster that uses something we do not evaluate (an objective, a tree kind, a file format). */
export class UnsupportedBoosterError extends ModelserveError {
  constructor(message: string) {
    super(ErrorCodes.MODEL_UNSUPPORTED, message);
  }
}
