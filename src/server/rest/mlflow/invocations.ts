import { ErrorCodes, ModelserveError } from "../../../errors.js";
import type { MlflowModel } from "../../../mlflow/model.js";
import type { PyfuncModel, PyfuncOutput } from "../../../mlflow/pyfunc.js";
import type { Schema } from "../../../mlflow/signature.js";
import { BadRequestError, InferenceTimeoutError } from "../../errors.js";
import { csvError, decodeCsvScoringRequest } from "./csv-input.js";
import { ModelEvaluationError, UnsupportedContentTypeError } from "./errors.js";
import { decodeJsonScoringRequest, SCORING_PROTOCOL_CHANGE_INFO, type ScoringRequest } from "./json-input.js";
import { predictionsJson } from "./predictions.js";
import { ColumnCastError, castToSchema } from "./schema-cast.js";

/**
 * One `POST /invocations`, transport aside: the content type picks the decoder (JSON keys or CSV), the
 * model predicts, the answer is `{"predictions": ...}`. Content-type problems are 415s with a plain-text
 * body, as mlflow's scoring server sends them.
 */

export const CONTENT_TYPE_JSON = "application/json";
const CONTENT_TYPE_CSV = "text/csv";
const SUPPORTED = [CONTENT_TYPE_CSV, CONTENT_TYPE_JSON];

function mimeTypeOf(contentType: string | undefined): string {
  if (contentType === undefined || contentType.trim() === "") {
    throw new UnsupportedContentTypeError(
      `This predictor only supports the following content types: Types: ${SUPPORTED.join(", ")}. The request has no Content-Type header.`,
    );
  }
  const [mime, ...parameters] = contentType.split(";").map((part) => part.trim());
  const unknown: string[] = [];
  for (const parameter of parameters) {
    const [key, value = ""] = parameter.split("=", 2).map((s) => s.trim());
    if (key.toLowerCase() !== "charset") unknown.push(key);
    else if (value.replace(/^"|"$/g, "").toLowerCase() !== "utf-8") {
      throw new UnsupportedContentTypeError("The scoring server only supports UTF-8");
    }
  }
  if (unknown.length > 0) {
    throw new UnsupportedContentTypeError(
      `Unrecognized content type parameters: ${unknown.join(", ")}. ${SCORING_PROTOCOL_CHANGE_INFO}`,
    );
  }
  return mime.toLowerCase();
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

function utf8(body: Uint8Array): string {
  try {
    return UTF8.decode(body);
  } catch (e) {
    throw new BadRequestError(
      `Invalid input. Ensure that input is a valid UTF-8 encoded string. Error: '${(e as Error).message}'`,
    );
  }
}

/** The columns a column-based schema types as strings. */
function stringColumns(schema: Schema | undefined): Set<string> {
  const names = new Set<string>();
  if (schema?.kind === "columns") {
    for (const c of schema.columns) if (c.type === "string" && c.name !== undefined) names.add(c.name);
  }
  return names;
}

/** Decodes a body, cast to the model's input schema (when it has one) as mlflow casts while parsing. */
function decodeScoringRequest(
  contentType: string | undefined,
  body: Uint8Array,
  schema?: Schema,
): ScoringRequest {
  const mime = mimeTypeOf(contentType);
  if (mime === CONTENT_TYPE_JSON) {
    const { input, params } = decodeJsonScoringRequest(utf8(body));
    const cast = castToSchema(input, schema);
    return params === undefined ? { input: cast } : { input: cast, params };
  }
  if (mime === CONTENT_TYPE_CSV) {
    // mlflow hands read_csv the schema's dtypes, and pandas refuses datetime64 there
    if (schema?.kind === "columns" && schema.columns.some((c) => c.type === "datetime")) {
      throw csvError(
        "the dtype datetime64[ns] is not supported for parsing, pass this column using parse_dates instead",
        "mlflow models serve refuses CSV for models with a datetime column; send JSON",
      );
    }
    const frame = decodeCsvScoringRequest(utf8(body), stringColumns(schema));
    try {
      return { input: castToSchema(frame, schema) };
    } catch (e) {
      // pandas reads CSV fields as the schema's types: a field that is not one fails the parse
      if (e instanceof ColumnCastError) throw csvError(e.reason, `column ${e.column}, ${e.type}`);
      throw e;
    }
  }
  throw new UnsupportedContentTypeError(
    `This predictor only supports the following content types: Types: ${SUPPORTED.join(", ")}. Got '${contentType}'.`,
  );
}

/** A model's answer, or InferenceTimeoutError once `timeoutMs` passed (0: no limit), as V2 inferences. */
async function predictWithin(
  model: PyfuncModel,
  request: ScoringRequest,
  timeoutMs: number,
  name: string,
): Promise<PyfuncOutput> {
  const pending = model.predict(request.input, request.params);
  // a synchronous model cannot be interrupted anyway: only a pending answer gets a timer
  if (!(pending instanceof Promise) || timeoutMs <= 0) return pending;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InferenceTimeoutError(name, timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([pending, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface InvokeOptions {
  /** the model's name, for messages */
  name: string;
  /** the server's request timeout, in ms (0: none) */
  timeoutMs: number;
}

/** Decodes, predicts and encodes; the JSON body of a 200. */
export async function invoke(
  model: PyfuncModel,
  contentType: string | undefined,
  body: Uint8Array,
  options: InvokeOptions,
): Promise<string> {
  const request = decodeScoringRequest(contentType, body, (model as Partial<MlflowModel>).signature?.inputs);
  let output: PyfuncOutput;
  try {
    output = await predictWithin(model, request, options.timeoutMs, options.name);
  } catch (e) {
    // a refused input (signature, params) keeps its message, and so does a timeout; anything else is the model's failure
    if (e instanceof InferenceTimeoutError) throw e;
    if (e instanceof ModelserveError && e.code === ErrorCodes.BAD_REQUEST) throw e;
    throw new ModelEvaluationError(e);
  }
  return predictionsJson(output);
}
