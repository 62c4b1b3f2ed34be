import type { DataType } from "../../mlflow/signature.js";
import { numpyDtype, type Schema } from "../../mlflow/signature.js";
import type { DType } from "../../pickle/values.js";
import type { Datatype, TensorMetadata } from "../../server/protocol/tensor.js";

/**
 * Model metadata from an MLflow signature, as MLServer's MLflow runtime writes it: one tensor per column
 * (named, or `input-{i}` / `output-{i}`), column types mapped to V2 datatypes with the content type that
 * decodes them, shape [-1, 1] for columns and the spec's shape for tensors; the model's content type is
 * `pd` for columns, `np` for one unnamed tensor, `dict` for named tensors.
 */

export type ModelContentType = "pd" | "np" | "dict";

const COLUMN_TYPES: Readonly<Record<DataType, readonly [Datatype, string]>> = {
  boolean: ["BOOL", "np"],
  integer: ["INT32", "np"],
  long: ["INT64", "np"],
  float: ["FP32", "np"],
  double: ["FP64", "np"],
  string: ["BYTES", "str"],
  binary: ["BYTES", "base64"],
  datetime: ["BYTES", "datetime"],
};

/** The V2 datatype of a numpy dtype (MLServer's to_datatype); strings, bytes and objects are BYTES. */
export function datatypeOf(dtype: Pick<DType, "kind" | "itemsize">): Datatype {
  switch (dtype.kind) {
    case "b":
      return "BOOL";
    case "f":
      return dtype.itemsize === 2 ? "FP16" : dtype.itemsize === 4 ? "FP32" : "FP64";
    case "i":
      return `INT${dtype.itemsize * 8}` as Datatype;
    case "u":
      return `UINT${dtype.itemsize * 8}` as Datatype;
    default:
      return "BYTES";
  }
}

export function metadataTensors(schema: Schema, prefix: "input-" | "output-"): TensorMetadata[] {
  if (schema.kind === "columns") {
    return schema.columns.map((c, i) => {
      const [datatype, content_type] = COLUMN_TYPES[c.type];
      return { name: c.name ?? `${prefix}${i}`, datatype, shape: [-1, 1], parameters: { content_type } };
    });
  }
  return schema.tensors.map((t, i) => ({
    name: t.name ?? `${prefix}${i}`,
    datatype: datatypeOf(numpyDtype(t.dtype) ?? { kind: "O", itemsize: 8 }),
    shape: [...t.shape],
    parameters: { content_type: "np" },
  }));
}

export function modelContentType(inputs: Schema): ModelContentType {
  if (inputs.kind === "columns") return "pd";
  return inputs.tensors.some((t) => t.name !== undefined) ? "dict" : "np";
}
