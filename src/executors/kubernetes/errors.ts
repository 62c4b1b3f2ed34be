import { ErrorCodes, ModelserveError } from "../../errors.js";

/** Something the Kubernetes executor could not do: an API refusal, a missing object, an unusable spec. */
export class KubernetesError extends ModelserveError {
  /** the HTTP status of the API server's answer, when there was one */
  readonly status?: number;

  constructor(message: string, options?: { cause?: unknown; status?: number; details?: unknown }) {
    super(ErrorCodes.EXECUTION_FAILED, message, options);
    this.status = options?.status;
  }
}

/** A run spec, profile file or setting that cannot be turned into Kubernetes objects. */
export class KubernetesSpecError extends ModelserveError {
  constructor(message: string, options?: { cause?: unknown; details?: unknown }) {
    super(ErrorCodes.SPEC_INVALID, message, options);
  }
}
