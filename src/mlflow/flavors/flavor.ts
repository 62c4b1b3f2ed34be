import type { PyfuncInput, PyfuncOutput, PyfuncParams } from "../pyfunc.js";

/**
 * The plug-in interface of an MLflow flavor: one module per flavor in this folder
 * (`sklearn.ts`, `onnx.ts`, `xgboost.ts`, `lightgbm.ts`) exporting `flavor: Flavor`. The model loader picks
 * the flavor the way pyfunc does (the `python_function` section's `loader_module`), enforces the signature,
 * then hands the flavor an input that already has the signature's columns and types.
 */

export interface FlavorContext {
  /** the model folder (a `.zip` or remote model is already unpacked here) */
  readonly dir: string;
  /** this flavor's section of MLmodel, e.g. `{ pickled_model: "model.pkl", serialization_format: "cloudpickle" }` */
  readonly conf: Readonly<Record<string, unknown>>;
  /** the `python_function` section (loader_module, model_path / data, env…), when MLmodel has one */
  readonly pyfuncConf?: Readonly<Record<string, unknown>>;
  /** model-settings / serve-time options (e.g. the default predict method) */
  readonly options?: Readonly<Record<string, unknown>>;
}

export interface FlavorModel {
  /** Predicts on an input already enforced against the signature. */
  predict(input: PyfuncInput, params?: PyfuncParams): PyfuncOutput | Promise<PyfuncOutput>;
  close?(): Promise<void> | void;
}

export interface Flavor {
  /** the MLmodel flavor key, e.g. "sklearn" */
  readonly name: string;
  load(context: FlavorContext): Promise<FlavorModel>;
}
