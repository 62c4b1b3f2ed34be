import type { NDArray } from "../pickle/values.js";

/**
 * The contract between an MLflow model (src/mlflow: MLmodel, signature, flavors) and the transports that
 * feed it: MLflow's scoring protocol (`/invocations`, which decodes `dataframe_split`, `dataframe_records`,
 * `instances`, `inputs` and CSV) and the V2 runtime (src/runtimes/mlflow, which decodes `pd`, `np` and
 * `dict` content types). Both decode to a PyfuncInput and encode a PyfuncOutput, as pyfunc's `predict`
 * takes a DataFrame, an array or a dict of arrays and returns one of them.
 */

/** One column of a pandas-style frame: a 1-D array whose dtype was inferred as pandas infers it. */
export interface FrameColumn {
  readonly name: string;
  readonly values: NDArray;
}

/** A pandas DataFrame: named columns of equal length, in order. */
export interface Frame {
  readonly kind: "frame";
  readonly rows: number;
  readonly columns: readonly FrameColumn[];
}

/** One array (`instances` / `inputs` given as a list, a V2 `np` input). */
export interface ArrayInput {
  readonly kind: "array";
  readonly array: NDArray;
}

/** Named arrays (`instances` / `inputs` given as an object, a V2 `dict` request). */
export interface DictInput {
  readonly kind: "dict";
  readonly arrays: Readonly<Record<string, NDArray>>;
}

export type PyfuncInput = Frame | ArrayInput | DictInput;

/** What a model answers: an array, a frame, or named arrays (as pyfunc returns numpy, pandas or dict). */
export type PyfuncOutput = Frame | ArrayInput | DictInput;

/**
 * The request parameter (and model setting) choosing the method of a model that has several
 * (`predict_proba` of a scikit-learn classifier). It is modelserve's, not MLflow's: it is taken out
 * before MLflow's params schema applies, so a schema's default never overrides a model setting.
 */
export const PREDICT_METHOD = "predict_method";

/** Request-time parameters (`params` of /invocations, V2 request `parameters`), checked against the params schema. */
export type PyfuncParams = Readonly<Record<string, unknown>>;

export interface PyfuncModel {
  /** the flavor serving it: "sklearn", "onnx", "xgboost", "lightgbm" */
  readonly flavor: string;
  /**
   * Enforces the signature (BadRequestError naming the column or tensor for a missing input or an
   * uncastable type), then predicts. Asynchronous only where the flavor's engine is (onnxruntime).
   */
  predict(input: PyfuncInput, params?: PyfuncParams): PyfuncOutput | Promise<PyfuncOutput>;
  close?(): Promise<void> | void;
}
