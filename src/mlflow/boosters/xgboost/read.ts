import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { BoosterFormatError, UnsupportedBoosterError } from "../errors.js";
import { decodeUbjson } from "../ubjson.js";
import { parseXgbModel, type XgbModel } from "./model.js";

/**
 * Reads an xgboost model file by its content, not its name: xgboost ≥ 2 writes UBJSON for every name but
 * `.json` (mlflow's `model_format="xgb"` files are UBJSON too), and older models may be JSON under any
 * name. The legacy binary format (xgboost < 1.0, or `.deprecated`) is refused.
 */

type Format = "json" | "ubjson" | "legacy";

/** UBJSON markers that may follow the opening `{` of a document: a key length or a container header. */
const UBJ_OBJECT_STARTS = new Set(["i", "U", "I", "l", "L", "$", "#", "}"]);

function sniff(bytes: Uint8Array): Format {
  let i = 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  if (bytes[i] !== 0x7b /* { */) return "legacy";
  const next = String.fromCharCode(bytes[i + 1] ?? 0);
  return UBJ_OBJECT_STARTS.has(next) ? "ubjson" : "json";
}

export function decodeXgbModel(bytes: Uint8Array, file: string): XgbModel {
  const format = sniff(bytes);
  if (format === "legacy") {
    throw new UnsupportedBoosterError(
      `${file}: not a JSON or UBJSON xgboost model (the legacy binary format of xgboost < 1.0 or '.deprecated' files is not supported); re-save it with xgboost ≥ 1.0 as model.ubj or model.json`,
    );
  }
  let document: unknown;
  if (format === "ubjson") {
    document = decodeUbjson(bytes, file);
  } else {
    try {
      document = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    } catch (e) {
      throw new BoosterFormatError(`${file}: not valid JSON: ${(e as Error).message}`, { cause: e });
    }
  }
  return parseXgbModel(document, file);
}

export async function readXgbModel(path: string): Promise<XgbModel> {
  return decodeXgbModel(await readFile(path), basename(path));
}
