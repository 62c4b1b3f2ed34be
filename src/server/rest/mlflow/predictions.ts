import type { PyfuncOutput } from "../../../mlflow/pyfunc.js";
import type { NDArray } from "../../../pickle/values.js";
import { pythonFloatRepr } from "./python-float.js";

/**
 * The body `mlflow models serve` answers: `{"predictions": ...}` where an array is `ndarray.tolist()`, a
 * frame is `to_dict(orient="records")` and a dict keeps its keys, written by Python's json module with
 * mlflow's NumpyEncoder: floats as Python writes them (`1.0`, `NaN`, `Infinity`), bytes in base64.
 */

function base64Lines(bytes: Uint8Array): string {
  // base64.encodebytes: lines of 76 characters, each ending with a newline
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  let out = "";
  for (let i = 0; i < text.length; i += 76) out += `${text.slice(i, i + 76)}\n`;
  return out;
}

const NOT_PRINTABLE_ASCII = /[\u007f-\uffff]/;
const EVERY_NOT_PRINTABLE_ASCII = /[\u007f-\uffff]/g;

/** A string as json.dumps writes it (ensure_ascii): everything beyond printable ASCII as \uXXXX. */
function pythonJsonString(text: string): string {
  const json = JSON.stringify(text);
  return NOT_PRINTABLE_ASCII.test(json)
    ? json.replace(EVERY_NOT_PRINTABLE_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    : json;
}

/** `Timestamp.isoformat()`: no zone, microseconds only when there are any. */
function timestampIso(date: Date): string {
  const iso = date.toISOString().slice(0, -1);
  return iso.endsWith(".000") ? iso.slice(0, -4) : `${iso}000`;
}

/** A Python object (an item of an object array, or a value inside one) as json.dumps writes it. */
function objectJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (value instanceof Date) return `"${timestampIso(value)}"`;
  switch (typeof value) {
    case "number":
      return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "true" : "false";
    case "string":
      return pythonJsonString(value);
  }
  if (value instanceof Uint8Array) return JSON.stringify(base64Lines(value));
  if (Array.isArray(value)) return `[${value.map(objectJson).join(", ")}]`;
  if (value instanceof Map) {
    return `{${[...value].map(([k, v]) => `${pythonJsonString(String(k))}: ${objectJson(v)}`).join(", ")}}`;
  }
  if (typeof value === "object") {
    return `{${Object.entries(value)
      .map(([k, v]) => `${pythonJsonString(k)}: ${objectJson(v)}`)
      .join(", ")}}`;
  }
  return pythonJsonString(String(value));
}

/** The writer of one element of an array of this dtype. */
function itemWriter(array: NDArray): (i: number) => string {
  const data = array.data;
  switch (array.dtype.kind) {
    case "f":
      return (i) => pythonFloatRepr(data[i] as number);
    case "i":
    case "u":
      return (i) => String(data[i]);
    case "b":
      return (i) => (data[i] ? "true" : "false");
    default: {
      // a column of dates (pandas datetime64) writes its missing values as NaT
      const missing = (data as unknown[]).some((v) => v instanceof Date) ? '"NaT"' : "null";
      return (i) => (data[i] === null ? missing : objectJson(data[i]));
    }
  }
}

/** `ndarray.tolist()` as JSON, from element `offset` of a C-ordered array over dimensions `dim…`. */
function nestedList(shape: readonly number[], write: (i: number) => string, dim = 0, offset = 0): string {
  if (dim === shape.length) return write(offset);
  let stride = 1;
  for (let d = dim + 1; d < shape.length; d++) stride *= shape[d];
  const parts = new Array<string>(shape[dim]);
  for (let k = 0; k < shape[dim]; k++) parts[k] = nestedList(shape, write, dim + 1, offset + k * stride);
  return `[${parts.join(", ")}]`;
}

function arrayJson(array: NDArray): string {
  return nestedList(array.shape, itemWriter(array));
}

/** One row's value of a column: the element, or the row's sub-array for a column with more dimensions. */
function rowWriter(column: NDArray): (row: number) => string {
  const write = itemWriter(column);
  if (column.shape.length <= 1) return write;
  const inner = column.shape.slice(1);
  const size = inner.reduce((a, b) => a * b, 1);
  return (row) => nestedList(inner, write, 0, row * size);
}

export function predictionsJson(output: PyfuncOutput): string {
  switch (output.kind) {
    case "array":
      return `{"predictions": ${arrayJson(output.array)}}`;
    case "dict": {
      const entries = Object.entries(output.arrays).map(
        ([k, v]) => `${pythonJsonString(k)}: ${arrayJson(v)}`,
      );
      return `{"predictions": {${entries.join(", ")}}}`;
    }
    case "frame": {
      const writers = output.columns.map((c) => [pythonJsonString(c.name), rowWriter(c.values)] as const);
      const records = new Array<string>(output.rows);
      for (let r = 0; r < output.rows; r++) {
        records[r] = `{${writers.map(([name, write]) => `${name}: ${write(r)}`).join(", ")}}`;
      }
      return `{"predictions": [${records.join(", ")}]}`;
    }
  }
}
