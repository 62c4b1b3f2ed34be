/**
 * Decoded V2 tensors: what codecs produce from a request and what runtimes return. The wire forms
 * (JSON `data`, Triton binary extension, gRPC typed contents / raw contents) all decode to this.
 */

export type Datatype =
  | "BOOL"
  | "UINT8"
  | "UINT16"
  | "UINT32"
  | "UINT64"
  | "INT8"
  | "INT16"
  | "INT32"
  | "INT64"
  | "FP16"
  | "FP32"
  | "FP64"
  | "BYTES";

export type Parameters = Record<string, unknown>;

/**
 * Element storage per datatype: BOOL → Uint8Array (0/1); integers → their typed array (64-bit as
 * BigInt64Array / BigUint64Array); FP16 → Float32Array (widened); FP32 → Float32Array; FP64 → Float64Array;
 * BYTES → Uint8Array[] (one entry per element; strings are UTF-8 encoded).
 */
export type TensorData =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Float32Array
  | Float64Array
  | Uint8Array[];

export interface Tensor {
  name: string;
  datatype: Datatype;
  shape: number[];
  data: TensorData;
  parameters?: Parameters;
}

export interface InferenceRequest {
  id?: string;
  parameters?: Parameters;
  inputs: Tensor[];
  /** requested outputs (names, with per-output parameters such as `binary_data`) */
  outputs?: { name: string; parameters?: Parameters }[];
}

export interface InferenceResponse {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: Parameters;
  outputs: Tensor[];
}

export interface TensorMetadata {
  name: string;
  datatype: Datatype;
  shape: number[];
  parameters?: Parameters;
}
