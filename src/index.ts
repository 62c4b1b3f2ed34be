/** The public API of modelserve. */

export type { ErrorCode } from "./errors.js";
export { ErrorCodes, isModelserveError, ModelserveError } from "./errors.js";
export type {
  Executor,
  ExecutorContext,
  ExecutorName,
  InvokeRequest,
  LogEntry,
  StatusUpdate,
} from "./executors/executor.js";
export {
  executorNameFor,
  registerExecutor,
  resolveExecutor,
  sendInvokeRequest,
  unregisterExecutor,
} from "./executors/executor.js";
export type { ProjectOptions } from "./sdk/api.js";
export {
  deleteProject,
  getOrCreateProject,
  getProject,
  listProjects,
  resolveModelPath,
} from "./sdk/api.js";
export type { SdkContext, SdkOptions } from "./sdk/context.js";
export { closeStores } from "./sdk/context.js";
export type { SpecIssue } from "./sdk/errors.js";
export {
  AlreadyExistsError,
  ExecutionError,
  InvalidTransitionError,
  NotFoundError,
  SpecError,
} from "./sdk/errors.js";
export type { RunArguments, TaskOptions } from "./sdk/function.js";
export { ServeFunction } from "./sdk/function.js";
export * from "./sdk/keys.js";
export { RUN_TRANSITIONS } from "./sdk/lifecycle.js";
export { Model } from "./sdk/model.js";
export type {
  EntityFields,
  ListRunsOptions,
  LogModelOptions,
  NewFunctionOptions,
  VersionOptions,
} from "./sdk/project.js";
export { Project } from "./sdk/project.js";
export type { WaitOptions } from "./sdk/run.js";
export { Run } from "./sdk/run.js";
export {
  validateFunctionSpec,
  validateRunOptions,
  validateRunSpec,
  validateTaskSpec,
} from "./sdk/specs/validate.js";
export * from "./sdk/types.js";
export { modelserveHome } from "./store/home.js";
export { SqliteStore } from "./store/sqlite.js";
export type { ListFilter, ProjectEntityType, Store, StoredEntity } from "./store/store.js";
export { VERSION } from "./version.js";
