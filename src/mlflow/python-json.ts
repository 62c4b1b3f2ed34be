import { parse } from "lossless-json";

/**
 * JSON read the way Python's `json.loads` reads it, because pandas and numpy infer dtypes from what it
 * returns: an integer literal is an `int` (here a bigint, exact at any size) and a literal with a fraction or
 * an exponent is a `float` (here a number), so `5.0` makes a float64 column where `5` makes an int64 one.
 * Python also accepts the `NaN`, `Infinity` and `-Infinity` literals its own encoder writes (mlflow's
 * client sends them for missing values); JSON parsers refuse them, so they are rewritten into number
 * tokens first, only for bodies that contain them.
 */

export type PyJson = null | boolean | number | bigint | string | PyJson[] | { [key: string]: PyJson };

/** Python's json.loads reads `1e999` as inf, so Infinity can be rewritten into it losslessly. */
const INFINITY_TOKEN = "1e999";

export class PythonJsonSyntaxError extends Error {}

function isFloatLiteral(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c === 0x2e || c === 0x65 || c === 0x45) return true; // '.', 'e', 'E'
  }
  return false;
}

/** A number token that no client wrote: the rewritten NaN literal. */
function nanTokenFor(text: string): string {
  let exponent = "0000000000000000000000";
  while (text.includes(`-0e-${exponent}`)) exponent += "0";
  return `-0e-${exponent}`;
}

/**
 * Rewrites the NaN / Infinity / -Infinity literals that stand outside strings. Returns undefined when the
 * text has none (then the parser's own error stands).
 */
function rewriteNonFiniteLiterals(text: string, nanToken: string): string | undefined {
  let out = "";
  let copiedUpTo = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    let literal: string | undefined;
    let replacement = "";
    if (c === "N" && text.startsWith("NaN", i)) [literal, replacement] = ["NaN", nanToken];
    else if (c === "I" && text.startsWith("Infinity", i))
      [literal, replacement] = ["Infinity", INFINITY_TOKEN];
    else if (c === "-" && text.startsWith("-Infinity", i))
      [literal, replacement] = ["-Infinity", `-${INFINITY_TOKEN}`];
    if (literal === undefined) continue;
    out += text.slice(copiedUpTo, i) + replacement;
    i += literal.length - 1;
    copiedUpTo = i + 1;
  }
  return copiedUpTo === 0 ? undefined : out + text.slice(copiedUpTo);
}

function parseWith(text: string, nanToken: string | undefined): PyJson {
  return parse(text, null, (token) => {
    if (token === nanToken) return Number.NaN;
    return isFloatLiteral(token) ? Number(token) : BigInt(token);
  }) as PyJson;
}

/** Parses JSON text as Python's json.loads; throws PythonJsonSyntaxError with the parser's reason. */
export function parsePythonJson(text: string): PyJson {
  try {
    return parseWith(text, undefined);
  } catch (first) {
    const nanToken = nanTokenFor(text);
    const rewritten = rewriteNonFiniteLiterals(text, nanToken);
    if (rewritten !== undefined) {
      try {
        return parseWith(rewritten, nanToken);
      } catch {
        // the literals were not the only problem: report the original text's error
      }
    }
    throw new PythonJsonSyntaxError((first as Error).message);
  }
}

export function isJsonObject(value: PyJson | undefined): value is { [key: string]: PyJson } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
