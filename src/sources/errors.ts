import { ErrorCodes, ModelserveError } from "../errors.js";

/** A model artifact could not be fetched: names the object and why (missing, forbidden, unreachable). */
export class SourceError extends ModelserveError {
  constructor(
    readonly uri: string,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(ErrorCodes.SOURCE_UNAVAILABLE, message, {
      cause: options?.cause,
      details: { uri, status: options?.status },
    });
  }
}
