import type { ModelSettings } from "../../runtimes/runtime.js";
import { BadRequestError } from "../errors.js";
import type { Datatype, InferenceRequest, Parameters, Tensor, TensorData } from "../protocol/tensor.js";
import { elementCount } from "./datatypes.js";

/**
 * MLServer's content types for runtimes: how a V2 tensor is meant to be read (`parameters.content_type`
 * on the request, on an input, or declared in model-settings.json; the request wins) and how results are
 * encoded back with the same conventions:
 * - np: an n-d array; a 1-D [N] tensor reads as [N, 1] and 1-D results encode as [N, 1];
 * - pd: a table, one column per input, `shape[0]` rows; per-column content types apply;
 * - str: BYTES as UTF-8 strings; base64: BYTES elements are base64 text of binary values;
 * - datetime: BYTES elements are ISO 8601 text; pd_json: each element is a JSON document.
 */

export type ContentType = "np" | "pd" | "str" | "base64" | "datetime" | "pd_json";

const utf8 = new TextDecoder();
const encoder = new TextEncoder();

export interface NdArray {
  datatype: Datatype;
  shape: number[];
  data: TensorData;
}

export type ColumnValues = TensorData | string[] | Date[] | unknown[];

export interface Column {
  name: string;
  datatype: Datatype;
  values: ColumnValues;
}

export interface DataFrame {
  rows: number;
  columns: Column[];
}

function contentTypeOf(parameters: Parameters | undefined): string | undefined {
  const ct = parameters?.content_type;
  return typeof ct === "string" ? ct : undefined;
}

/** The request's content type: the request's own, else the model's default from its settings. */
export function requestContentType(request: InferenceRequest, settings?: ModelSettings): string | undefined {
  return contentTypeOf(request.parameters) ?? contentTypeOf(settings?.parameters);
}

/** An input's content type: its own, else the one declared for it in the model settings. */
export function inputContentType(input: Tensor, settings?: ModelSettings): string | undefined {
  return (
    contentTypeOf(input.parameters) ??
    contentTypeOf(settings?.inputs?.find((m) => m.name === input.name)?.parameters)
  );
}

function requireBytes(tensor: Tensor, as: string): Uint8Array[] {
  if (tensor.datatype !== "BYTES") {
    throw new BadRequestError(
      `input '${tensor.name}': content type '${as}' needs datatype BYTES, got ${tensor.datatype}`,
    );
  }
  return tensor.data as Uint8Array[];
}

/** np: the tensor as an array, 1-D read as a column. */
export function decodeNumpy(tensor: Tensor): NdArray {
  const shape = tensor.shape.length === 1 ? [tensor.shape[0], 1] : tensor.shape;
  return { datatype: tensor.datatype, shape, data: tensor.data };
}

/** str: BYTES elements as UTF-8 strings. */
export function decodeStrings(tensor: Tensor): string[] {
  return requireBytes(tensor, "str").map((b) => utf8.decode(b));
}

/** base64: BYTES elements are base64 text; returns the binary values. */
export function decodeBase64(tensor: Tensor): Uint8Array[] {
  return requireBytes(tensor, "base64").map((b, i) => {
    const text = utf8.decode(b).trim();
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) {
      throw new BadRequestError(`input '${tensor.name}' (base64): element ${i} is not base64 text`);
    }
    return new Uint8Array(Buffer.from(text, "base64"));
  });
}

/** datetime: BYTES elements are ISO 8601 dates. */
export function decodeDatetimes(tensor: Tensor): Date[] {
  return requireBytes(tensor, "datetime").map((b, i) => {
    const text = utf8.decode(b);
    const date = new Date(text);
    if (Number.isNaN(date.getTime())) {
      throw new BadRequestError(
        `input '${tensor.name}' (datetime): element ${i} is ${JSON.stringify(text)}, expected an ISO 8601 date`,
      );
    }
    return date;
  });
}

/** pd_json: each BYTES element is a JSON document. */
export function decodeJsonElements(tensor: Tensor): unknown[] {
  return requireBytes(tensor, "pd_json").map((b, i) => {
    try {
      return JSON.parse(utf8.decode(b));
    } catch {
      throw new BadRequestError(`input '${tensor.name}' (pd_json): element ${i} is not valid JSON`);
    }
  });
}

function columnValues(tensor: Tensor, contentType: string | undefined): ColumnValues {
  switch (contentType) {
    case "base64":
      return decodeBase64(tensor);
    case "datetime":
      return decodeDatetimes(tensor);
    case "pd_json":
      return decodeJsonElements(tensor);
    default:
      // BYTES columns read as text, as MLServer's REST path sees JSON strings
      return tensor.datatype === "BYTES" ? decodeStrings(tensor) : tensor.data;
  }
}

/**
 * pd: the request's inputs as the columns of one table. Every column must have `shape[0]` rows and one
 * value per row (shape [N] or [N, 1]).
 */
export function decodePandas(request: InferenceRequest, settings?: ModelSettings): DataFrame {
  const inputs = request.inputs;
  const rows = inputs[0]?.shape[0] ?? 0;
  const columns = inputs.map((input) => {
    const n = input.shape[0];
    if (input.shape.length === 0 || n !== rows || elementCount(input.shape) !== rows) {
      throw new BadRequestError(
        `input '${input.name}' (pd column): shape [${input.shape.join(", ")}] given, expected [${rows}] or [${rows}, 1] (one value per row, ${rows} rows as the first input)`,
      );
    }
    return {
      name: input.name,
      datatype: input.datatype,
      values: columnValues(input, inputContentType(input, settings)),
    };
  });
  return { rows, columns };
}

/** np: encodes an array result; 1-D results become [N, 1] as MLServer's NumpyCodec does. */
export function encodeNumpy(name: string, array: NdArray): Tensor {
  const shape = array.shape.length === 1 ? [array.shape[0], 1] : array.shape;
  return { name, datatype: array.datatype, shape, data: array.data, parameters: { content_type: "np" } };
}

/** str: strings as a BYTES [N, 1] output. */
export function encodeStrings(name: string, values: readonly string[]): Tensor {
  return {
    name,
    datatype: "BYTES",
    shape: [values.length, 1],
    data: values.map((s) => encoder.encode(s)),
    parameters: { content_type: "str" },
  };
}

/** base64: binary values as base64 text. */
export function encodeBase64(name: string, values: readonly Uint8Array[]): Tensor {
  return {
    name,
    datatype: "BYTES",
    shape: [values.length, 1],
    data: values.map((b) =>
      encoder.encode(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64")),
    ),
    parameters: { content_type: "base64" },
  };
}

/** datetime: dates as ISO 8601 text. */
export function encodeDatetimes(name: string, values: readonly Date[]): Tensor {
  return {
    name,
    datatype: "BYTES",
    shape: [values.length, 1],
    data: values.map((d) => encoder.encode(d.toISOString())),
    parameters: { content_type: "datetime" },
  };
}

function encodeColumn(column: Column, rows: number): Tensor {
  const values = column.values;
  if (values.length !== rows) {
    throw new Error(`column '${column.name}' has ${values.length} values for ${rows} rows`);
  }
  if (!Array.isArray(values)) {
    return { name: column.name, datatype: column.datatype, shape: [rows, 1], data: values };
  }
  if (values.every((v) => typeof v === "string")) return encodeStrings(column.name, values as string[]);
  if (values.every((v) => v instanceof Date)) return encodeDatetimes(column.name, values as Date[]);
  if (values.every((v) => v instanceof Uint8Array)) return encodeBase64(column.name, values as Uint8Array[]);
  // mixed or object columns: one JSON document per row, NaN as null (MLServer's pd_json)
  return {
    name: column.name,
    datatype: "BYTES",
    shape: [rows, 1],
    data: values.map((v) => encoder.encode(JSON.stringify(v ?? null))),
    parameters: { content_type: "pd_json" },
  };
}

/** pd: a table as one output per column; the response carries `content_type: "pd"`. */
export function encodePandas(frame: DataFrame): { outputs: Tensor[]; parameters: Parameters } {
  return {
    outputs: frame.columns.map((c) => encodeColumn(c, frame.rows)),
    parameters: { content_type: "pd" },
  };
}
