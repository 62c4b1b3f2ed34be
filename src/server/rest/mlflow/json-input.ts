import type { DictInput, Frame, PyfuncInput, PyfuncParams } from "../../../mlflow/pyfunc.js";
import {
  isJsonObject,
  type PyJson,
  PythonJsonSyntaxError,
  parsePythonJson,
} from "../../../mlflow/python-json.js";
import type { NDArray } from "../../../pickle/values.js";
import { BadRequestError } from "../../errors.js";
import { frameColumn, numpyArray } from "./infer-dtypes.js";

/**
 * The JSON bodies of MLflow's scoring protocol (mlflow/pyfunc/scoring_server, proto_json_utils), decoded
 * to what pyfunc's `predict` receives: exactly one of `dataframe_split` / `dataframe_records` (a pandas
 * frame in that orientation), `instances` (rows: a list of records becomes named columns) or `inputs`
 * (columns or one array, as given), plus optional `params`. Keys other than these are ignored, as mlflow
 * ignores them. Messages are mlflow's, so that clients matching on them keep working.
 */

const FORMAT_KEYS = ["dataframe_split", "dataframe_records", "instances", "inputs"] as const;
type FormatKey = (typeof FORMAT_KEYS)[number];

/** Keys of mlflow's unwrapped LLM payloads (chat, completions, embeddings): not the flavors served here. */
const LLM_KEYS = ["messages", "prompt", "input"];

const REQUIRED_INPUT_FORMAT = `The input must be a JSON dictionary with exactly one of the input fields [${FORMAT_KEYS.map((k) => `'${k}'`).join(", ")}]`;

/** What to do about a request in the MLflow 1.x format, said (as mlflow does) when no format key is found. */
export const SCORING_PROTOCOL_CHANGE_INFO =
  "Since MLflow 2.0 the scoring protocol wraps the data in one of these keys: a 1.x request (a bare " +
  '{"columns": ..., "data": ...} frame, or a content type such as `application/json; format=pandas-split`) ' +
  'must become {"dataframe_split": {"columns": ..., "data": ...}}, as clients of mlflow >= 2.0 send it.';

export interface ScoringRequest {
  readonly input: PyfuncInput;
  readonly params?: PyfuncParams;
}

/** mlflow's MlflowInvalidInputException: a 400 whose message starts with "Invalid input." */
function invalidInput(message: string): BadRequestError {
  return new BadRequestError(`Invalid input. ${message}`);
}

/** Python's name for the type of a parsed JSON value, as mlflow's messages print it. */
function pythonType(value: PyJson): string {
  if (value === null) return "NoneType";
  if (Array.isArray(value)) return "list";
  switch (typeof value) {
    case "bigint":
      return "int";
    case "number":
      return "float";
    case "boolean":
      return "bool";
    case "string":
      return "str";
    default:
      return "dict";
  }
}

function pythonList(items: readonly string[]): string {
  return `[${items.map((k) => `'${k}'`).join(", ")}]`;
}

/** A plain JSON value for params: ints as numbers (bigints only beyond 2^53). */
function plainValue(value: PyJson): unknown {
  if (typeof value === "bigint") {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value;
  }
  if (Array.isArray(value)) return value.map(plainValue);
  if (isJsonObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = plainValue(v);
    return out;
  }
  return value;
}

function columnName(name: PyJson): string {
  return typeof name === "string" ? name : JSON.stringify(plainValue(name));
}

function notValidFrame(orient: "split" | "records", reason: string): BadRequestError {
  return invalidInput(
    `Provided dataframe_${orient} field is not a valid dataframe representation in '${orient}' format. Error: '${reason}'`,
  );
}

/** Rows given as lists (or as scalars, one column), padded with NaN to the widest as pandas pads them. */
function frameFromRows(
  rows: readonly PyJson[],
  names: readonly string[] | undefined,
  orient: "split" | "records",
): Frame {
  const listRows = rows.filter(Array.isArray).length;
  if (listRows !== 0 && listRows !== rows.length) {
    throw notValidFrame(orient, "rows must all be lists, or all be single values");
  }
  const asLists: PyJson[][] = listRows === 0 ? rows.map((v) => [v]) : (rows as PyJson[][]);
  let width = 0;
  for (const row of asLists) width = Math.max(width, row.length);
  if (rows.length === 0) width = names?.length ?? 0;
  if (names !== undefined && names.length !== width) {
    throw notValidFrame(orient, `${names.length} columns passed, passed data had ${width} columns`);
  }
  const columns = [];
  for (let j = 0; j < width; j++) {
    const values = asLists.map((row) => (j < row.length ? row[j] : Number.NaN));
    columns.push(frameColumn(names?.[j] ?? String(j), values));
  }
  return { kind: "frame", rows: rows.length, columns };
}

/** Records (dicts): columns in order of first appearance, NaN where a record lacks one. */
function frameFromRecords(records: readonly { [key: string]: PyJson }[]): Frame {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    for (const key of Object.keys(record)) {
      if (!seen.has(key)) {
        seen.add(key);
        names.push(key);
      }
    }
  }
  const columns = names.map((name) =>
    frameColumn(
      name,
      records.map((record) => (Object.hasOwn(record, name) ? record[name] : Number.NaN)),
    ),
  );
  return { kind: "frame", rows: records.length, columns };
}

function frameFromRecordsOrRows(value: readonly PyJson[], orient: "split" | "records"): Frame {
  const dicts = value.filter(isJsonObject).length;
  if (dicts === 0) return frameFromRows(value, undefined, orient);
  if (dicts !== value.length) throw notValidFrame(orient, "records must all be dictionaries");
  return frameFromRecords(value as { [key: string]: PyJson }[]);
}

function dataframeRecords(value: PyJson): Frame {
  if (!Array.isArray(value)) {
    const got = isJsonObject(value) ? "dictionary" : `type <class '${pythonType(value)}'>`;
    throw invalidInput(`Dataframe records format must be a list of records. Got ${got}.`);
  }
  return frameFromRecordsOrRows(value, "records");
}

function dataframeSplit(value: PyJson): Frame {
  if (!isJsonObject(value)) {
    const got = Array.isArray(value) ? "list" : `type <class '${pythonType(value)}'>`;
    throw invalidInput(`Dataframe split format must be a dictionary. Got ${got}.`);
  }
  const keys = Object.keys(value);
  if (!Object.hasOwn(value, "data") || keys.some((k) => k !== "columns" && k !== "data" && k !== "index")) {
    throw invalidInput(
      `Dataframe split format must have 'data' field and optionally 'columns' and 'index' fields. Got ${pythonList(keys)}.`,
    );
  }
  const { data, columns, index } = value;
  if (!Array.isArray(data)) {
    throw notValidFrame("split", `'data' must be a list of rows, got ${pythonType(data)}`);
  }
  if (columns !== undefined && columns !== null && !Array.isArray(columns)) {
    throw notValidFrame("split", `'columns' must be a list of column names, got ${pythonType(columns)}`);
  }
  if (index !== undefined && index !== null) {
    if (!Array.isArray(index))
      throw notValidFrame("split", `'index' must be a list, got ${pythonType(index)}`);
    if (index.length !== data.length) {
      throw notValidFrame(
        "split",
        `Length of values (${data.length}) does not match length of index (${index.length})`,
      );
    }
  }
  if (data.some(isJsonObject)) {
    throw notValidFrame("split", "'data' must hold rows as lists (records belong in dataframe_records)");
  }
  return frameFromRows(data, columns?.map(columnName), "split");
}

function columnsOf(value: { [key: string]: PyJson }, where: string): DictInput {
  const arrays: Record<string, NDArray> = {};
  for (const [name, column] of Object.entries(value))
    arrays[name] = numpyArray(column, `${where}['${name}']`);
  return { kind: "dict", arrays };
}

/** mlflow checks that `instances` columns have as many rows each. */
function checkEqualLengths(input: DictInput): DictInput {
  let expected: number | undefined;
  for (const [name, array] of Object.entries(input.arrays)) {
    if (array.shape.length === 0) {
      throw invalidInput(`instances['${name}'] is a single value; each input/column needs a list of values`);
    }
    expected ??= array.shape[0];
    if (array.shape[0] !== expected) {
      throw invalidInput("The length of values for each input/column name are not the same");
    }
  }
  return input;
}

function instances(value: PyJson): PyfuncInput {
  if (Array.isArray(value) && value.length > 0 && isJsonObject(value[0])) {
    // rows of records become one list per column
    const perColumn = new Map<string, PyJson[]>();
    for (const item of value) {
      if (!isJsonObject(item)) {
        throw invalidInput(
          `instances must all be dictionaries when the first one is; got a ${pythonType(item)}`,
        );
      }
      for (const [name, v] of Object.entries(item)) {
        const list = perColumn.get(name);
        if (list === undefined) perColumn.set(name, [v]);
        else list.push(v);
      }
    }
    return checkEqualLengths(columnsOf(Object.fromEntries(perColumn), "instances"));
  }
  if (isJsonObject(value)) return checkEqualLengths(columnsOf(value, "instances"));
  return { kind: "array", array: numpyArray(value, "instances") };
}

function inputs(value: PyJson): PyfuncInput {
  if (isJsonObject(value)) return columnsOf(value, "inputs");
  // a list of records is a table: pyfunc makes it a DataFrame
  if (Array.isArray(value) && value.length > 0 && value.every(isJsonObject)) {
    return frameFromRecordsOrRows(value, "records");
  }
  return { kind: "array", array: numpyArray(value, "inputs") };
}

const DECODERS: Record<FormatKey, (value: PyJson) => PyfuncInput> = {
  dataframe_split: dataframeSplit,
  dataframe_records: dataframeRecords,
  instances,
  inputs,
};

function paramsOf(value: PyJson | undefined): PyfuncParams | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) {
    throw new BadRequestError(`Params must be a dictionary. Got type '${pythonType(value)}'.`);
  }
  return plainValue(value) as PyfuncParams;
}

/** Decodes an `application/json` body of /invocations. */
export function decodeJsonScoringRequest(text: string): ScoringRequest {
  let body: PyJson;
  try {
    body = parsePythonJson(text);
  } catch (e) {
    if (!(e instanceof PythonJsonSyntaxError)) throw e;
    throw invalidInput(`Ensure that input is a valid JSON formatted string. Error: '${e.message}'`);
  }
  if (Array.isArray(body)) throw invalidInput(`${REQUIRED_INPUT_FORMAT}. Received a list.`);
  if (!isJsonObject(body)) {
    throw invalidInput(
      `${REQUIRED_INPUT_FORMAT}. Received unexpected input type '<class '${pythonType(body)}'>'.`,
    );
  }
  const llmKeys = LLM_KEYS.filter((k) => Object.hasOwn(body, k));
  if (llmKeys.length > 0) {
    throw new BadRequestError(
      `The keys ${pythonList(llmKeys)} make this an unwrapped LLM request (chat, completions, embeddings), ` +
        `which only LLM flavors accept. ${REQUIRED_INPUT_FORMAT}.`,
    );
  }
  const formats = FORMAT_KEYS.filter((k) => Object.hasOwn(body, k));
  if (formats.length !== 1) {
    throw new BadRequestError(
      `${REQUIRED_INPUT_FORMAT}. Received dictionary with input fields: ${pythonList(Object.keys(body))}. ${SCORING_PROTOCOL_CHANGE_INFO}`,
    );
  }
  const format = formats[0];
  const params = paramsOf(body.params);
  const input = DECODERS[format](body[format]);
  return params === undefined ? { input } : { input, params };
}
