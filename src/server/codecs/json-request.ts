import { parse as parseLossless } from "lossless-json";
import { BadRequestError } from "../errors.js";
import type { InferenceRequest, Parameters, Tensor } from "../protocol/tensor.js";
import { tensorDataFromBytes } from "./binary.js";
import { DATATYPE_NAMES, isDatatype } from "./datatypes.js";
import { parseCommonRequest } from "./json-common-request.js";
import { InexactIntegerError, tensorDataFromValues } from "./tensor-data.js";

/**
 * The REST inference request (JSON bytes, or already parsed) → InferenceRequest. With Triton's binary
 * extension, `binary` holds the bytes after the JSON header and inputs carrying `binary_data_size` take
 * their contents from it, in input order.
 */

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parametersOf(value: unknown, where: string): Parameters | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw new BadRequestError(`${where}: 'parameters' must be a JSON object`);
  return value;
}

/** A client's value in an error message (JSON.stringify refuses the bigints of a lossless parse). */
function show(value: unknown): string {
  return typeof value === "bigint" ? String(value) : (JSON.stringify(value) ?? String(value));
}

function shapeOf(value: unknown, where: string): number[] {
  if (!Array.isArray(value)) {
    throw new BadRequestError(`${where}: 'shape' must be an array of non-negative integers`);
  }
  for (let i = 0; i < value.length; i++) {
    const d = value[i];
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) {
      throw new BadRequestError(
        `${where}: shape dimension ${i} is ${show(d)}, expected a non-negative integer`,
      );
    }
  }
  return value as number[];
}

function binarySizeOf(parameters: Parameters | undefined, where: string): number | undefined {
  const size = parameters?.binary_data_size;
  if (size === undefined) return undefined;
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
    throw new BadRequestError(`${where}: 'binary_data_size' must be a non-negative integer`);
  }
  return size;
}

class BinaryCursor {
  offset = 0;
  constructor(readonly bytes: Uint8Array) {}

  take(size: number, where: string): Uint8Array {
    if (this.offset + size > this.bytes.byteLength) {
      throw new BadRequestError(
        `${where}: binary_data_size ${size} runs past the end of the binary data (${this.bytes.byteLength - this.offset} bytes left)`,
      );
    }
    const slice = this.bytes.subarray(this.offset, this.offset + size);
    this.offset += size;
    return slice;
  }
}

function decodeInput(raw: unknown, index: number, binary: BinaryCursor | undefined): Tensor {
  if (!isObject(raw)) throw new BadRequestError(`inputs[${index}] must be a JSON object`);
  const name = raw.name;
  if (typeof name !== "string" || name === "") {
    throw new BadRequestError(`inputs[${index}]: 'name' must be a non-empty string`);
  }
  const where = `input '${name}'`;
  const datatype = raw.datatype;
  if (!isDatatype(datatype)) {
    throw new BadRequestError(
      `${where}: unknown datatype ${show(datatype)}, expected one of ${DATATYPE_NAMES.join(", ")}`,
    );
  }
  const shape = shapeOf(raw.shape, where);
  const parameters = parametersOf(raw.parameters, where);
  const size = binarySizeOf(parameters, where);
  let data: Tensor["data"];
  if (size !== undefined) {
    if (binary === undefined) {
      throw new BadRequestError(
        `${where}: has 'binary_data_size' but the request carries no binary data (set the Inference-Header-Content-Length header)`,
      );
    }
    if (raw.data !== undefined) {
      throw new BadRequestError(`${where}: give either 'data' or 'binary_data_size', not both`);
    }
    data = tensorDataFromBytes(where, datatype, shape, binary.take(size, where));
  } else {
    data = tensorDataFromValues(where, datatype, shape, raw.data);
  }
  return parameters === undefined
    ? { name, datatype, shape, data }
    : { name, datatype, shape, data, parameters };
}

function decodeOutputs(raw: unknown): InferenceRequest["outputs"] {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) throw new BadRequestError("'outputs' must be an array of {name, parameters?}");
  const seen = new Set<string>();
  return raw.map((o, i) => {
    if (!isObject(o) || typeof o.name !== "string" || o.name === "") {
      throw new BadRequestError(`outputs[${i}] must be an object with a non-empty string 'name'`);
    }
    if (seen.has(o.name)) throw new BadRequestError(`output '${o.name}' is requested twice`);
    seen.add(o.name);
    const parameters = parametersOf(o.parameters, `output '${o.name}'`);
    return parameters === undefined ? { name: o.name } : { name: o.name, parameters };
  });
}

export function decodeInferenceRequest(body: unknown, binary?: Uint8Array): InferenceRequest {
  if (!isObject(body)) throw new BadRequestError("the inference request must be a JSON object");
  const { id, inputs } = body;
  if (id !== undefined && typeof id !== "string") {
    throw new BadRequestError("'id' must be a string");
  }
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw new BadRequestError("'inputs' must be a non-empty array of tensors");
  }
  const cursor = binary === undefined ? undefined : new BinaryCursor(binary);
  const decoded = new Array<Tensor>(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const tensor = decodeInput(inputs[i], i, cursor);
    for (let j = 0; j < i; j++) {
      if (decoded[j].name === tensor.name) {
        throw new BadRequestError(`input '${tensor.name}' appears twice`);
      }
    }
    decoded[i] = tensor;
  }
  if (cursor !== undefined && cursor.offset !== cursor.bytes.byteLength) {
    throw new BadRequestError(
      `the request has ${cursor.bytes.byteLength - cursor.offset} bytes of binary data that no input's 'binary_data_size' accounts for`,
    );
  }
  const request: InferenceRequest = { inputs: decoded };
  if (id !== undefined) request.id = id;
  const parameters = parametersOf(body.parameters, "request");
  if (parameters !== undefined) request.parameters = parameters;
  const outputs = decodeOutputs(body.outputs);
  if (outputs !== undefined) request.outputs = outputs;
  return request;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BadRequestError(`the request body is not valid JSON: ${(e as Error).message}`);
  }
}

/** Integers beyond 2^53 as bigints, exactly as written; every other number as JSON.parse reads it. */
function exactNumber(token: string): number | bigint {
  const n = Number(token);
  if (Number.isSafeInteger(n) || !Number.isInteger(n)) return n;
  return /^-?\d+$/.test(token) ? BigInt(token) : BigInt(n);
}

/**
 * Decodes a JSON inference request from its bytes. JSON.parse reads every number as a double, which
 * rounds 64-bit integers beyond 2^53; rather than pay for a lossless parser on every request, the body is
 * parsed again losslessly only when an INT64/UINT64 input met such a double. The common small request is
 * parsed from the bytes without JSON.parse (json-common-request.ts).
 */
export function decodeJsonInferenceRequest(json: Buffer, binary?: Uint8Array): InferenceRequest {
  if (json.byteLength === 0) {
    throw new BadRequestError("the request body is empty; expected a JSON inference request");
  }
  try {
    return decodeInferenceRequest(parseCommonRequest(json) ?? parseJson(json.toString("utf8")), binary);
  } catch (e) {
    if (!(e instanceof InexactIntegerError)) throw e;
  }
  const text = json.toString("utf8");
  let exact: unknown;
  try {
    exact = parseLossless(text, null, exactNumber);
  } catch (e) {
    // JSON.parse took it, but the lossless parser is stricter (it refuses duplicate keys)
    throw new BadRequestError(`the request body is not valid JSON: ${(e as Error).message}`);
  }
  return decodeInferenceRequest(exact, binary);
}
