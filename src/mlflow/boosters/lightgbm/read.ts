import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { BoosterFormatError } from "../errors.js";
import { type LgbModel, parseLgbModel } from "./model.js";

export async function readLgbModel(path: string): Promise<LgbModel> {
  const bytes = await readFile(path);
  const file = basename(path);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (e) {
    throw new BoosterFormatError(`${file}: not a LightGBM text model (not UTF-8 text)`, { cause: e });
  }
  return parseLgbModel(text, file);
}
