import { ErrorCodes, ModelserveError } from "../errors.js";
import { BadRequestError } from "../server/errors.js";

/** An MLmodel file (or the folder/zip around it) that is missing, malformed, or names a field wrongly. */
export class MLmodelError extends ModelserveError {
  constructor(where: string, message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.MODEL_LOAD_FAILED, `${where}: ${message}`, options);
  }
}

/** A flavor (or a serialization of a served flavor) we do not serve; the message lists what we do. */
export class UnsupportedFlavorError extends ModelserveError {
  constructor(message: string, details?: unknown) {
    super(ErrorCodes.MODEL_UNSUPPORTED, message, { details });
  }
}

/**
 * An input that breaks the model signature as `mlflow.models.utils._enforce_schema` would refuse it:
 * a missing required column or tensor, an unsafe cast, a wrong shape or dtype. `details.input` names the
 * column or tensor (absent for an unnamed tensor), so clients need not parse the message.
 */
export class SchemaEnforcementError extends BadRequestError {
  constructor(message: string, input?: string) {
    super(message, { details: input === undefined ? { reason: "schema" } : { reason: "schema", input } });
  }
}

/** A request parameter that does not fit the model's params schema (MLflow's "Invalid parameters found"). */
export class ParamsError extends BadRequestError {
  constructor(param: string, message: string) {
    super(`parameter '${param}': ${message}`, { details: { reason: "params", param } });
  }
}
