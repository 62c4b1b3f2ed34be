import { ErrorCodes, ModelserveError } from "../../errors.js";
import type { NDArray } from "../../pickle/values.js";
import {
  decodeNumpy,
  decodePandas,
  decodeStrings,
  requestContentType,
} from "../../server/codecs/content-types.js";
import { allocate, storageMatches } from "../../server/codecs/datatypes.js";
import { BadRequestError } from "../../server/errors.js";
import type {
  Datatype,
  InferenceRequest,
  Parameters,
  Tensor,
  TensorData,
} from "../../server/protocol/tensor.js";
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

/** numpy's numeric kind and itemsize → the V2 datatype MLServer's NumpyCodec gives it. */
const NUMERIC_DATATYPES: Readonly<Record<string, Datatype>> = {
  b1: "BOOL",
  i1: "INT8",
  i2: "INT16",
  i4: "INT32",
  i8: "INT64",
  u1: "UINT8",
  u2: "UINT16",
  u4: "UINT32",
  u8: "UINT64",
  f2: "FP16",
  f4: "FP32",
  f8: "FP64",
};

/** `values` in the storage of `datatype` (estimators may hand back a wider typed array than their dtype). */
function storageFor(datatype: Datatype, values: ArrayLike<unknown>): TensorData {
  const out = allocate(datatype, values.length);
  if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
    for (let i = 0; i < out.length; i++) out[i] = BigInt(values[i] as number | bigint);
  } else if (!Array.isArray(out)) {
    for (let i = 0; i < out.length; i++) out[i] = Number(values[i]);
  }
  return out;
}

/**
 * An object array's datatype, from what it holds: only numbers (None as NaN) → FP64, only booleans → BOOL,
 * anything else → BYTES as Python's str() would print each value. (MLServer sends every object array as BYTES;
 * a ColumnTransformer's all-numeric object output would then not be numbers at all.)
 */
function objectTensor(
  name: string,
  shape: number[],
  values: readonly unknown[],
  parameters: Parameters,
): Tensor {
  if (values.every((v) => typeof v === "number" || typeof v === "bigint" || v === null)) {
    const data = Float64Array.from(values, (v) => (v === null ? Number.NaN : Number(v)));
    return { name, datatype: "FP64", shape, data, parameters };
  }
  if (values.every((v) => typeof v === "boolean")) {
    return { name, datatype: "BOOL", shape, data: Uint8Array.from(values, (v) => (v ? 1 : 0)), parameters };
  }
  const data = values.map((v) => (v instanceof Uint8Array ? v : encoder.encode(pythonStr(v))));
  return { name, datatype: "BYTES", shape, data, parameters };
}

function pythonStr(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number" && Number.isNaN(v)) return "nan";
  return String(v);
}

/**
 * A method's result as a V2 tensor named after the method, with MLServer's NumpyCodec: the datatype is the
 * array's numpy dtype (int32 → INT32, uint8 → UINT8, bool → BOOL, float32 → FP32…), strings are BYTES;
 * a 1-D result is a column [N, 1].
 */
export function outputTensor(name: string, a: NDArray): Tensor {
  const shape = a.shape.length === 1 ? [a.shape[0], 1] : [...a.shape];
  const parameters = { content_type: "np" };
  const { kind, itemsize } = a.dtype;
  const numeric = NUMERIC_DATATYPES[`${kind}${itemsize}`];
  if (numeric !== undefined) {
    const data = a.data as TensorData;
    return {
      name,
      datatype: numeric,
      shape,
      data: storageMatches(numeric, data) ? data : storageFor(numeric, a.data as ArrayLike<unknown>),
      parameters,
    };
  }
  const values = a.data as readonly unknown[];
  switch (kind) {
    case "U":
      return {
        name,
        datatype: "BYTES",
        shape,
        data: values.map((v) => encoder.encode(String(v))),
        parameters,
      };
    case "S":
      return { name, datatype: "BYTES", shape, data: values as Uint8Array[], parameters };
    case "O":
      return objectTensor(name, shape, values, parameters);
    default:
      throw new ModelserveError(
        ErrorCodes.MODEL_UNSUPPORTED,
        `output '${name}' has numpy dtype ${a.dtype.str}, which has no V2 datatype`,
      );
  }
}
