import { tensorDataFromBytes } from "../codecs/binary.js";
import { DATATYPES, elementCount } from "../codecs/datatypes.js";
import { decodeJsonInferenceRequest } from "../codecs/json-request.js";
import { encodeInferenceResponse } from "../codecs/json-response.js";
import type { DataPlane } from "../dataplane.js";
import { BadRequestError } from "../errors.js";
import type { InferenceRequest, InferenceResponse } from "../protocol/tensor.js";

/**
 * POST /v2/models/{m}[/versions/{v}]/infer, JSON or with Triton's binary tensor extension: a JSON header
 * of `Inference-Header-Content-Length` bytes followed by raw tensor bytes, or (length 0) only the bytes of
 * a single-input model's input.
 */

export interface ModelParams {
  model: string;
  version?: string;
}

export const HEADER_LENGTH = "inference-header-content-length";
export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

const MODELS_PREFIX = "/v2/models/";
const VERSIONS = "/versions/";
const INFER = "/infer";
const SLASH = 0x2f;

/** The end of a path segment: the first '/', '?' or '#' from `from`, or the end of the URL. */
function segmentEnd(url: string, from: number): number {
  let i = from;
  while (i < url.length) {
    const c = url.charCodeAt(i);
    if (c === SLASH || c === 0x3f || c === 0x23) break;
    i++;
  }
  return i;
}

/** A query string holds no line terminator (the one thing the route's `(?:\?.*)?$` excludes). */
function isQuery(url: string, at: number): boolean {
  if (url.charCodeAt(at) !== 0x3f) return false;
  for (let i = at + 1; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) return false;
  }
  return true;
}

/** `/infer`, an optional trailing slash and an optional query, from `at` to the end. */
function isInferTail(url: string, at: number): boolean {
  if (!url.startsWith(INFER, at)) return false;
  let i = at + INFER.length;
  if (url.charCodeAt(i) === SLASH) i++;
  return i === url.length || isQuery(url, i);
}

/**
 * Matches `/v2/models/{m}[/versions/{v}]/infer[/][?query]` (segments without '/', '?' or '#') by scanning
 * rather than with a regular expression: it runs for every request the server gets. The segments are
 * still percent-encoded; undefined when the URL is not an inference route.
 */
export function parseInferPath(url: string): ModelParams | undefined {
  if (!url.startsWith(MODELS_PREFIX)) return undefined;
  const modelStart = MODELS_PREFIX.length;
  const modelEnd = segmentEnd(url, modelStart);
  if (modelEnd === modelStart || url.charCodeAt(modelEnd) !== SLASH) return undefined;
  const model = url.slice(modelStart, modelEnd);
  if (url.startsWith(VERSIONS, modelEnd)) {
    const versionStart = modelEnd + VERSIONS.length;
    const versionEnd = segmentEnd(url, versionStart);
    if (versionEnd > versionStart && isInferTail(url, versionEnd)) {
      return { model, version: url.slice(versionStart, versionEnd) };
    }
    return undefined;
  }
  return isInferTail(url, modelEnd) ? { model } : undefined;
}

function headerLength(value: string | string[] | undefined, bodyLength: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(Array.isArray(value) ? value[0] : value);
  if (!Number.isSafeInteger(n) || n < 0 || n > bodyLength) {
    throw new BadRequestError(
      `Inference-Header-Content-Length must be an integer between 0 and the body length ${bodyLength}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** The raw binary form: the whole body is the single input of the model, batch 1. */
function rawBinaryRequest(dataplane: DataPlane, params: ModelParams, body: Buffer): InferenceRequest {
  const declared = dataplane.declaredInputs(params.model, params.version);
  if (declared.length !== 1) {
    throw new BadRequestError(
      `a raw binary request (Inference-Header-Content-Length: 0) needs a model with exactly one declared input; model '${params.model}' declares ${declared.length}`,
    );
  }
  const input = declared[0];
  const where = `input '${input.name}'`;
  let shape: number[];
  if (input.datatype === "BYTES") shape = [1];
  else {
    const size = DATATYPES[input.datatype].size;
    // batch 1 for leading variable dimensions, whatever is left for the last one
    const last = input.shape.lastIndexOf(-1);
    shape = input.shape.map((d, i) => (d === -1 && i !== last ? 1 : d));
    if (last !== -1) {
      const fixed = elementCount(shape.filter((_, i) => i !== last));
      shape[last] = fixed === 0 ? 0 : Math.floor(body.length / size / fixed);
    }
  }
  return {
    inputs: [
      {
        name: input.name,
        datatype: input.datatype,
        shape,
        data: tensorDataFromBytes(where, input.datatype, shape, body),
      },
    ],
  };
}

export interface HttpInferResult {
  body: string | Buffer;
  contentType: string;
  /** the JSON header length when binary outputs follow it */
  headerLength?: number;
  /** the request id (the client's, or the one the server gave it) */
  id: string | undefined;
}

/**
 * Runs one REST inference from its body bytes and its Inference-Header-Content-Length header;
 * synchronously when the model answers synchronously (DataPlane.inferNow), and then errors are thrown.
 */
export function inferHttp(
  dataplane: DataPlane,
  params: ModelParams,
  headerLengthValue: string | string[] | undefined,
  body: Buffer | undefined,
): HttpInferResult | Promise<HttpInferResult> {
  const length = headerLength(headerLengthValue, body?.length ?? 0);
  let inference: InferenceRequest;
  let allBinary = false;
  if (length === undefined) {
    inference = decodeJsonInferenceRequest(body ?? Buffer.alloc(0));
  } else if (length === 0) {
    inference = rawBinaryRequest(dataplane, params, body ?? Buffer.alloc(0));
    allBinary = true;
  } else {
    const bytes = body!;
    inference = decodeJsonInferenceRequest(bytes.subarray(0, length), bytes.subarray(length));
  }
  const response = dataplane.inferNow(params.model, params.version, inference);
  return response instanceof Promise
    ? response.then((r) => encodeHttp(r, inference, allBinary))
    : encodeHttp(response, inference, allBinary);
}

function encodeHttp(
  response: InferenceResponse,
  request: InferenceRequest,
  allBinary: boolean,
): HttpInferResult {
  const encoded = encodeInferenceResponse(response, request, allBinary);
  if (encoded.binary.length === 0)
    return { body: encoded.json, contentType: JSON_CONTENT_TYPE, id: response.id };
  const head = Buffer.from(encoded.json, "utf8");
  return {
    body: Buffer.concat([head, ...encoded.binary]),
    contentType: "application/octet-stream",
    headerLength: head.length,
    id: response.id,
  };
}
