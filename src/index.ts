/** The public API of modelserve. */

export type { ErrorCode } from "./errors.js";
export { ErrorCodes, isModelserveError, ModelserveError } from "./errors.js";
export { VERSION } from "./version.js";
