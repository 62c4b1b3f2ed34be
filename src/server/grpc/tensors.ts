import { tensorDataFromBytes, tensorToBytes } from "../codecs/binary.js";
import { DATATYPE_NAMES, elementCount, isDatatype } from "../codecs/datatypes.js";
import { tensorDataFromValues } from "../codecs/tensor-data.js";
import { BadRequestError } from "../errors.js";
import type {
  Datatype,
  InferenceRequest,
  InferenceResponse,
  Tensor,
  TensorData,
  TensorMetadata,
} from "../protocol/tensor.js";
import type {
  InferInputTensorMessage,
  InferOutputTensorMessage,
  InferTensorContentsMessage,
  ModelInferRequestMessage,
  ModelInferResponseMessage,
  TensorMetadataMessage,
} from "./messages.js";
import { parametersFromWire, parametersToWire } from "./parameters.js";

/**
 * ModelInferRequest → InferenceRequest and InferenceResponse → ModelInferResponse. Typed contents are
 * checked by the same element codec as REST JSON, raw contents by the same codec as Triton's binary
 * extension, so both transports accept and reject the same tensors with the same messages.
 */

type ContentsField = keyof InferTensorContentsMessage;

/** The InferTensorContents field that carries each datatype; FP16 has none (raw contents only). */
const CONTENTS_FIELD: Record<Datatype, ContentsField | undefined> = {
  BOOL: "bool_contents",
  UINT8: "uint_contents",
  UINT16: "uint_contents",
  UINT32: "uint_contents",
  UINT64: "uint64_contents",
  INT8: "int_contents",
  INT16: "int_contents",
  INT32: "int_contents",
  INT64: "int64_contents",
  FP16: undefined,
  FP32: "fp32_contents",
  FP64: "fp64_contents",
  BYTES: "bytes_contents",
};

const CONTENTS_FIELDS = Object.keys({
  bool_contents: 0,
  int_contents: 0,
  int64_contents: 0,
  uint_contents: 0,
  uint64_contents: 0,
  fp32_contents: 0,
  fp64_contents: 0,
  bytes_contents: 0,
} satisfies Record<ContentsField, 0>) as ContentsField[];

function filledFields(contents: InferTensorContentsMessage | undefined): ContentsField[] {
  if (contents === undefined) return [];
  return CONTENTS_FIELDS.filter((f) => (contents[f]?.length ?? 0) > 0);
}

function shapeFromWire(shape: readonly (string | number)[], where: string): number[] {
  const out = new Array<number>(shape.length);
  for (let i = 0; i < shape.length; i++) {
    const d = Number(shape[i]);
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new BadRequestError(
        `${where}: shape dimension ${i} is ${shape[i]}, expected a non-negative integer`,
      );
    }
    out[i] = d;
  }
  return out;
}

function typedData(
  where: string,
  datatype: Datatype,
  shape: number[],
  contents: InferTensorContentsMessage | undefined,
): TensorData {
  const field = CONTENTS_FIELD[datatype];
  if (field === undefined) {
    throw new BadRequestError(
      `${where} (FP16): FP16 has no typed contents field; send it in raw_input_contents`,
    );
  }
  const stray = filledFields(contents).filter((f) => f !== field);
  if (stray.length > 0) {
    throw new BadRequestError(`${where} (${datatype}): contents has ${stray.join(", ")}, expected ${field}`);
  }
  const values = contents?.[field] ?? [];
  if (datatype !== "BYTES") return tensorDataFromValues(where, datatype, shape, values);
  const expected = elementCount(shape);
  if (values.length !== expected) {
    throw new BadRequestError(
      `${where}: shape [${shape.join(", ")}] holds ${expected} elements but bytes_contents has ${values.length}`,
    );
  }
  // copies, so a tensor never pins the whole received message buffer
  return (values as Uint8Array[]).map((v) => Uint8Array.prototype.slice.call(v));
}

function decodeInput(message: InferInputTensorMessage, index: number, raw: Uint8Array | undefined): Tensor {
  const name = message.name;
  if (name === undefined || name === "")
    throw new BadRequestError(`inputs[${index}]: 'name' must be a non-empty string`);
  const where = `input '${name}'`;
  const datatype = message.datatype;
  if (!isDatatype(datatype)) {
    throw new BadRequestError(
      `${where}: unknown datatype ${JSON.stringify(datatype ?? "")}, expected one of ${DATATYPE_NAMES.join(", ")}`,
    );
  }
  const shape = shapeFromWire(message.shape, where);
  let data: TensorData;
  if (raw !== undefined) {
    if (filledFields(message.contents).length > 0) {
      throw new BadRequestError(`${where}: has both 'contents' and raw_input_contents; give one of them`);
    }
    data = tensorDataFromBytes(where, datatype, shape, raw);
  } else {
    data = typedData(where, datatype, shape, message.contents);
  }
  const tensor: Tensor = { name, datatype, shape, data };
  const parameters = parametersFromWire(message.parameters);
  if (parameters !== undefined) tensor.parameters = parameters;
  return tensor;
}

export function requestFromWire(message: ModelInferRequestMessage): InferenceRequest {
  const { inputs, raw_input_contents: raw } = message;
  if (inputs.length === 0) throw new BadRequestError("'inputs' must hold at least one tensor");
  if (raw.length > 0 && raw.length !== inputs.length) {
    throw new BadRequestError(
      `raw_input_contents has ${raw.length} entries but there are ${inputs.length} inputs; give one per input, in input order`,
    );
  }
  const decoded = new Array<Tensor>(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const tensor = decodeInput(inputs[i], i, raw.length > 0 ? raw[i] : undefined);
    for (let j = 0; j < i; j++) {
      if (decoded[j].name === tensor.name) throw new BadRequestError(`input '${tensor.name}' appears twice`);
    }
    decoded[i] = tensor;
  }
  const request: InferenceRequest = { inputs: decoded };
  if (message.id !== undefined && message.id !== "") request.id = message.id;
  const parameters = parametersFromWire(message.parameters);
  if (parameters !== undefined) request.parameters = parameters;
  if (message.outputs.length > 0) {
    const seen = new Set<string>();
    request.outputs = message.outputs.map((o, i) => {
      if (o.name === undefined || o.name === "") {
        throw new BadRequestError(`outputs[${i}]: 'name' must be a non-empty string`);
      }
      if (seen.has(o.name)) throw new BadRequestError(`output '${o.name}' is requested twice`);
      seen.add(o.name);
      const p = parametersFromWire(o.parameters);
      return p === undefined ? { name: o.name } : { name: o.name, parameters: p };
    });
  }
  return request;
}

function typedContents(tensor: Tensor): InferTensorContentsMessage {
  const field = CONTENTS_FIELD[tensor.datatype] as ContentsField;
  const data = tensor.data;
  switch (tensor.datatype) {
    case "BOOL":
      return { bool_contents: Array.from(data as Uint8Array, (v) => v !== 0) };
    case "INT64":
    case "UINT64":
      return { [field]: Array.from(data as BigInt64Array, (v) => v.toString()) };
    case "BYTES":
      return { bytes_contents: data as Uint8Array[] };
    default:
      return { [field]: Array.from(data as Float64Array) };
  }
}

/**
 * Outputs travel as raw_output_contents when the request sent raw inputs (as MLServer and Triton's
 * clients expect) or when an output is FP16, which has no typed field; otherwise as typed contents.
 */
export function responseToWire(response: InferenceResponse, raw: boolean): ModelInferResponseMessage {
  const useRaw = raw || response.outputs.some((t) => t.datatype === "FP16");
  const outputs = new Array<InferOutputTensorMessage>(response.outputs.length);
  const rawContents: Uint8Array[] = [];
  for (let i = 0; i < response.outputs.length; i++) {
    const tensor = response.outputs[i];
    const out: InferOutputTensorMessage = {
      name: tensor.name,
      datatype: tensor.datatype,
      shape: tensor.shape,
    };
    const parameters = parametersToWire(tensor.parameters);
    if (parameters !== undefined) out.parameters = parameters;
    if (useRaw) rawContents.push(tensorToBytes(tensor));
    else out.contents = typedContents(tensor);
    outputs[i] = out;
  }
  const message: ModelInferResponseMessage = {
    model_name: response.model_name,
    outputs,
    raw_output_contents: rawContents,
  };
  if (response.model_version !== undefined) message.model_version = response.model_version;
  if (response.id !== undefined) message.id = response.id;
  const parameters = parametersToWire(response.parameters);
  if (parameters !== undefined) message.parameters = parameters;
  return message;
}

export function tensorMetadataToWire(tensors: readonly TensorMetadata[]): TensorMetadataMessage[] {
  return tensors.map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape }));
}
