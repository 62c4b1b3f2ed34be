/**
 * The messages of inference.GRPCInferenceService as methods.ts decodes them (proto field names, 64-bit
 * integers as decimal strings, repeated fields always arrays, unset scalars and messages absent, the set
 * member of a oneof named in `parameter_choice`). Outgoing messages may use numbers for 64-bit fields.
 */

type Int64 = string | number;

export interface InferParameterMessage {
  parameter_choice?: "bool_param" | "int64_param" | "string_param" | "double_param" | "uint64_param";
  bool_param?: boolean;
  int64_param?: Int64;
  string_param?: string;
  double_param?: number;
  uint64_param?: Int64;
}

export type ParameterMap = Record<string, InferParameterMessage>;

export interface InferTensorContentsMessage {
  bool_contents?: boolean[];
  int_contents?: number[];
  int64_contents?: Int64[];
  uint_contents?: number[];
  uint64_contents?: Int64[];
  fp32_contents?: number[];
  fp64_contents?: number[];
  bytes_contents?: Uint8Array[];
}

export interface InferInputTensorMessage {
  name?: string;
  datatype?: string;
  shape: Int64[];
  parameters?: ParameterMap;
  contents?: InferTensorContentsMessage;
}

export interface ModelInferRequestMessage {
  model_name?: string;
  model_version?: string;
  id?: string;
  parameters?: ParameterMap;
  inputs: InferInputTensorMessage[];
  outputs: { name?: string; parameters?: ParameterMap }[];
  raw_input_contents: Uint8Array[];
}

export interface InferOutputTensorMessage {
  name: string;
  datatype: string;
  shape: Int64[];
  parameters?: ParameterMap;
  contents?: InferTensorContentsMessage;
}

export interface ModelInferResponseMessage {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: ParameterMap;
  outputs: InferOutputTensorMessage[];
  raw_output_contents: Uint8Array[];
}

export interface ModelRefMessage {
  name?: string;
  version?: string;
}

export interface TensorMetadataMessage {
  name: string;
  datatype: string;
  shape: Int64[];
}

export interface ModelMetadataResponseMessage {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorMetadataMessage[];
  outputs: TensorMetadataMessage[];
  properties: Record<string, string>;
}

export interface ServerMetadataResponseMessage {
  name: string;
  version: string;
  extensions: string[];
}

export interface RepositoryIndexRequestMessage {
  repository_name?: string;
  ready?: boolean;
}

export interface RepositoryIndexResponseMessage {
  models: { name: string; version?: string; state: string; reason?: string }[];
}

export interface ModelRepositoryParameterMessage {
  parameter_choice?: "bool_param" | "int64_param" | "string_param" | "bytes_param";
}

export interface RepositoryModelRequestMessage {
  repository_name?: string;
  model_name?: string;
  parameters?: Record<string, ModelRepositoryParameterMessage>;
}
