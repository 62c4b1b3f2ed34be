import { dtypeOf, OBJECT } from "../../mlflow/arrays.js";
import type { Frame, PyfuncInput, PyfuncOutput } from "../../mlflow/pyfunc.js";
import type { DType, NDArray } from "../../pickle/values.js";
import { decodePandas, decodeStrings, encodePandas } from "../../server/codecs/content-types.js";
import { BadRequestError } from "../../server/errors.js";
import type {
  Datatype,
  InferenceRequest,
  Parameters,
  Tensor,
  TensorData,
} from "../../server/protocol/tensor.js";
import type { ModelSettings } from "../runtime.js";
import { outputTensor } from "../sklearn/tensors.js";
import { datatypeOf, type ModelContentType } from "./metadata.js";

/**
 * V2 tensors ⇄ pyfunc values with MLServer's MLflow conventions: `pd` reads each input as a column,
 * `np` the first input as one array (its own shape), `dict` every input as a named array; an array
 * answer is the output `output-1` (MLServer's default output name), a dict answer one output per key,
 * a frame one output per column.
 */

const NUMPY_OF_DATATYPE: Readonly<Record<Exclude<Datatype, "BYTES">, string>> = {
  BOOL: "bool",
  UINT8: "uint8",
  UINT16: "uint16",
  UINT32: "uint32",
  UINT64: "uint64",
  INT8: "int8",
  INT16: "int16",
  INT32: "int32",
  INT64: "int64",
  FP16: "float32", // FP16 is widened to float32 by the codec
  FP32: "float32",
  FP64: "float64",
};

function numericArray(
  datatype: Exclude<Datatype, "BYTES">,
  shape: readonly number[],
  data: TensorData,
): NDArray {
  return { dtype: dtypeOf(NUMPY_OF_DATATYPE[datatype]), shape, data: data as NDArray["data"] };
}

/** BYTES as text: a numpy str array (kind U), as MLflow's tensor specs of dtype "str" expect. */
function stringArray(tensor: Tensor): NDArray {
  const values = decodeStrings(tensor);
  const width = Math.max(1, ...values.map((v) => v.length));
  const dtype: DType = { kind: "U", itemsize: 4 * width, byteorder: "<", str: `<U${width}` };
  return { dtype, shape: [...tensor.shape], data: values };
}

function tensorArray(tensor: Tensor): NDArray {
  if (tensor.datatype === "BYTES") return stringArray(tensor);
  return numericArray(tensor.datatype, [...tensor.shape], tensor.data);
}

function frameOf(request: InferenceRequest, settings: ModelSettings): Frame {
  const frame = decodePandas(request, settings);
  return {
    kind: "frame",
    rows: frame.rows,
    columns: frame.columns.map(({ name, datatype, values }) => ({
      name,
      values:
        Array.isArray(values) || datatype === "BYTES"
          ? { dtype: OBJECT, shape: [frame.rows], data: [...(values as unknown[])] }
          : numericArray(datatype, [frame.rows], values as TensorData),
    })),
  };
}

/** The pyfunc input of a request read with `contentType`; `settings` carries per-input content types. */
export function decodeRequest(
  request: InferenceRequest,
  contentType: ModelContentType,
  settings: ModelSettings,
): PyfuncInput {
  if (request.inputs.length === 0) throw new BadRequestError("the request has no inputs");
  switch (contentType) {
    case "pd":
      return frameOf(request, settings);
    case "np":
      return { kind: "array", array: tensorArray(request.inputs[0]) };
    case "dict":
      return {
        kind: "dict",
        arrays: Object.fromEntries(request.inputs.map((t) => [t.name, tensorArray(t)])),
      };
  }
}

/** MLServer's name for an unnamed array answer (its DefaultOutputPrefix + 1). */
export const ARRAY_OUTPUT = "output-1";

export function encodeOutput(output: PyfuncOutput): { outputs: Tensor[]; parameters?: Parameters } {
  switch (output.kind) {
    case "array":
      return { outputs: [outputTensor(ARRAY_OUTPUT, output.array)] };
    case "dict":
      return {
        outputs: Object.entries(output.arrays).map(([name, a]) => outputTensor(name, a)),
        parameters: { content_type: "dict" },
      };
    case "frame":
      return encodePandas({
        rows: output.rows,
        columns: output.columns.map(({ name, values }) => {
          const datatype = datatypeOf(values.dtype);
          return datatype === "BYTES" || Array.isArray(values.data)
            ? { name, datatype, values: [...(values.data as unknown[])] }
            : { name, datatype, values: values.data as TensorData };
        }),
      });
  }
}
