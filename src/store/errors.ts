import { ErrorCodes, ModelserveError } from "../errors.js";

/** The store could not read or write (a corrupt file, a full disk, a lock held too long). */
export class StoreError extends ModelserveError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.STORE_FAILURE, message, options);
  }
}
