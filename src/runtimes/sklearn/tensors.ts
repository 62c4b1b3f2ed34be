import type { NDArray } from "../../pickle/values.js";
import {
  decodeNumpy,
  decodePandas,
  decodeStrings,
  requestContentType,
} from "../../server/codecs/content-types.js";
import { BadRequestError } from "../../server/errors.js";
import type { InferenceRequest, Tensor, TensorData } from "../../server/protocol/tensor.js";
import { OBJECT_DTYPE } from "../../sklearn/common/columns.js";
import { FLOAT64 } from "../../sklearn/common/dtypes.js";
import type { Input, Table } from "../../sklearn/estimator.js";
import type { ModelSettings } from "../runtime.js";

/** Numeric tensor storage as float64 (what scikit-learn's check_array makes of it). */
function toFloat64(data: TensorData): Float64Array {
  if (data instanceof Float64Array) return data;
  if (Array.isArray(data)) throw new BadRequestError("expected numbers, got BYTES");
  const out = new Float64Array(data.length);
  for (let i = 0; i < out.length; i++) out[i] = Number(data[i]);
  return out;
}

function tableOf(request: InferenceRequest, settings: ModelSettings): Table {
  const frame = decodePandas(request, settings);
  return {
    kind: "table",
    rows: frame.rows,
    columns: frame.columns.map((c) => ({
      name: c.name,
      values: Array.isArray(c.values) ? (c.values as unknown[]) : toFloat64(c.values as TensorData),
    })),
  };
}

/**
 * The estimator input for a request, with MLServer's conventions: content type `pd` (request or model
 * settings) makes a table of one column per input; otherwise the first input is the array (1-D read as a
 * column), strings for BYTES. Several inputs without a content type are read as a table too, since that is
 * the only meaning they can have for a scikit-learn model.
 */
export function requestInput(request: InferenceRequest, settings: ModelSettings): Input {
  if (request.inputs.length === 0) throw new BadRequestError("the request has no inputs");
  const ct = requestContentType(request, settings);
  if (ct === "pd" || (ct === undefined && request.inputs.length > 1)) return tableOf(request, settings);
  const first: Tensor = request.inputs[0];
  const { shape } = decodeNumpy(first);
  if (first.datatype === "BYTES") {
    return { dtype: OBJECT_DTYPE, shape, data: decodeStrings(first) };
  }
  return { dtype: FLOAT64, shape, data: toFloat64(first.data) };
}

const encoder = new TextEncoder();

/**
 * A method's result as a V2 tensor named after the method (MLServer's NumpyCodec): floats → FP64/FP32,
 * integers → INT64, bools → BOOL, strings → BYTES; a 1-D result is a column [N, 1].
 */
export function outputTensor(name: string, a: NDArray): Tensor {
  const shape = a.shape.length === 1 ? [a.shape[0], 1] : [...a.shape];
  const parameters = { content_type: "np" };
  const d = a.data;
  switch (a.dtype.kind) {
    case "f":
      return d instanceof Float32Array
        ? { name, datatype: "FP32", shape, data: d, parameters }
        : { name, datatype: "FP64", shape, data: toFloat64(d as TensorData), parameters };
    case "i":
    case "u": {
      const out = new BigInt64Array(d.length);
      for (let i = 0; i < out.length; i++) out[i] = BigInt((d as ArrayLike<number | bigint>)[i]);
      return { name, datatype: "INT64", shape, data: out, parameters };
    }
    case "b":
      return { name, datatype: "BOOL", shape, data: Uint8Array.from(d as ArrayLike<number>), parameters };
    default: {
      const values = Array.from(d as ArrayLike<unknown>);
      if (values.every((v) => typeof v === "number" || typeof v === "bigint" || v === null)) {
        return {
          name,
          datatype: "FP64",
          shape,
          data: Float64Array.from(values, (v) => (v === null ? Number.NaN : Number(v))),
          parameters,
        };
      }
      return {
        name,
        datatype: "BYTES",
        shape,
        data: values.map((v) => encoder.encode(v === null || v === undefined ? "" : String(v))),
        parameters,
      };
    }
  }
}
