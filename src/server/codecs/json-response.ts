import { stringify as stringifyLossless } from "lossless-json";
import type { InferenceRequest, InferenceResponse, Parameters, Tensor } from "../protocol/tensor.js";
import { tensorToBytes } from "./binary.js";

/**
 * InferenceResponse → REST body. Built as a string by hand: the output data are typed arrays, which a
 * generic serializer would walk element by element as objects. Outputs the client asked to get in binary
 * (Triton's extension) carry `binary_data_size` and their bytes follow the JSON header.
 */

const utf8 = new TextDecoder("utf-8", { fatal: true });

export interface EncodedResponse {
  /** the JSON document (the whole body when `binary` is empty) */
  json: string;
  /** raw tensor bytes to append after the JSON, in output order */
  binary: Uint8Array[];
}

/**
 * A string as a JSON string: as JSON.stringify writes it, without the call when no character needs an
 * escape (names and generated ids, on every response). Surrogates go to JSON.stringify, which escapes
 * lone ones.
 */
function quoted(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/** JSON of parameters, which hold bigints when the request needed a lossless parse. */
function parametersToJson(parameters: Parameters): string {
  try {
    return JSON.stringify(parameters);
  } catch {
    return stringifyLossless(parameters) ?? "{}";
  }
}

function numbersToJson(data: ArrayLike<number>): string {
  let s = "[";
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    // JSON has no NaN/Infinity; MLServer's codecs map NaN to null as well
    s += i === 0 ? "" : ",";
    s += Number.isFinite(v) ? v : "null";
  }
  return `${s}]`;
}

function boolsToJson(data: Uint8Array): string {
  let s = "[";
  for (let i = 0; i < data.length; i++) s += (i === 0 ? "" : ",") + (data[i] ? "true" : "false");
  return `${s}]`;
}

/** BYTES as JSON strings; undefined when an element is not valid UTF-8 (then the caller uses base64). */
function utf8ToJson(data: readonly Uint8Array[]): string | undefined {
  const strings = new Array<string>(data.length);
  try {
    for (let i = 0; i < data.length; i++) strings[i] = utf8.decode(data[i]);
  } catch {
    return undefined;
  }
  return JSON.stringify(strings);
}

function base64ToJson(data: readonly Uint8Array[]): string {
  return JSON.stringify(
    data.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64")),
  );
}

function dataToJson(tensor: Tensor): { data: string; parameters?: Parameters } {
  const { datatype, data } = tensor;
  switch (datatype) {
    case "BYTES": {
      const bytes = data as Uint8Array[];
      if (tensor.parameters?.content_type !== "base64") {
        const text = utf8ToJson(bytes);
        if (text !== undefined) return { data: text };
      }
      // not text: say how it is encoded so a client can get the bytes back
      return { data: base64ToJson(bytes), parameters: { ...tensor.parameters, content_type: "base64" } };
    }
    case "BOOL":
      return { data: boolsToJson(data as Uint8Array) };
    case "UINT64":
    case "INT64":
      return { data: `[${(data as BigInt64Array).join(",")}]` };
    case "FP16":
    case "FP32":
    case "FP64":
      return { data: numbersToJson(data as Float64Array) };
    default:
      return { data: `[${(data as Int32Array).join(",")}]` };
  }
}

function wantsBinary(name: string, request: InferenceRequest | undefined, allBinary: boolean): boolean {
  if (allBinary) return true;
  const requested = request?.outputs?.find((o) => o.name === name);
  const own = requested?.parameters?.binary_data;
  if (typeof own === "boolean") return own;
  return request?.parameters?.binary_data_output === true;
}

function outputToJson(tensor: Tensor, binary: Uint8Array[], asBinary: boolean): string {
  let parameters = tensor.parameters;
  let data = "";
  if (asBinary) {
    const bytes = tensorToBytes(tensor);
    binary.push(bytes);
    parameters = { ...parameters, binary_data_size: bytes.byteLength };
  } else {
    const encoded = dataToJson(tensor);
    data = `,"data":${encoded.data}`;
    if (encoded.parameters !== undefined) parameters = encoded.parameters;
  }
  const params = parameters === undefined ? "" : `,"parameters":${parametersToJson(parameters)}`;
  return `{"name":${quoted(tensor.name)},"datatype":"${tensor.datatype}","shape":[${tensor.shape.join(",")}]${params}${data}}`;
}

/**
 * `allBinary` forces every output into binary (a raw binary request, which has no JSON to ask with).
 */
export function encodeInferenceResponse(
  response: InferenceResponse,
  request?: InferenceRequest,
  allBinary = false,
): EncodedResponse {
  const binary: Uint8Array[] = [];
  let json = `{"model_name":${quoted(response.model_name)}`;
  if (response.model_version !== undefined) json += `,"model_version":${quoted(response.model_version)}`;
  if (response.id !== undefined) json += `,"id":${quoted(response.id)}`;
  if (response.parameters !== undefined) json += `,"parameters":${parametersToJson(response.parameters)}`;
  json += ',"outputs":[';
  const outputs = response.outputs;
  for (let i = 0; i < outputs.length; i++) {
    if (i > 0) json += ",";
    json += outputToJson(outputs[i], binary, wantsBinary(outputs[i].name, request, allBinary));
  }
  return { json: `${json}]}`, binary };
}
