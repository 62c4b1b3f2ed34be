import { UnsupportedEstimatorError } from "../common/index.js";

/**
 * Python `re` patterns (as scikit-learn's token_pattern) as JavaScript RegExps with Python's Unicode
 * semantics for str patterns: `\w` is a letter, a number or "_" in any script (JavaScript's `\w` is ASCII
 * only), `\b` is a boundary between such characters, `\d` any decimal digit. Constructs with no JavaScript
 * equivalent are refused with a message naming them.
 */

const WORD = "\\p{L}\\p{N}_";
const OUTSIDE: Readonly<Record<string, string>> = {
  w: `[${WORD}]`,
  W: `[^${WORD}]`,
  d: "\\p{Nd}",
  D: "\\P{Nd}",
  b: `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`,
  B: `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`,
  A: "^",
  Z: "$",
};
const INSIDE: Readonly<Record<string, string>> = { w: WORD, d: "\\p{Nd}" };

export function pythonRegex(pattern: string, flags = "gu"): RegExp {
  let src = pattern;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  let extra = "";
  if (inline) {
    src = src.slice(inline[0].length);
    for (const f of inline[1]) {
      if (f === "i") extra += "i";
      else if (f === "m") extra += "m";
      else if (f === "s") extra += "s";
      else if (f !== "u") throw new UnsupportedEstimatorError(`token_pattern flag (?${f}) is not supported`);
    }
  }
  let out = "";
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === "\\" && i + 1 < src.length) {
      const e = src[++i];
      const table = inClass ? INSIDE : OUTSIDE;
      if (table[e] !== undefined) out += table[e];
      else if ((inClass && (e === "W" || e === "D")) || e === "Z" || e === "A") {
        throw new UnsupportedEstimatorError(`token_pattern construct \\${e} inside [...] is not supported`);
      } else out += `\\${e}`;
      continue;
    }
    if (c === "(" && src.startsWith("(?P<", i)) {
      out += "(?<";
      i += 3;
      continue;
    }
    if (c === "(" && src.startsWith("(?P=", i))
      throw new UnsupportedEstimatorError("token_pattern (?P=name) is not supported");
    if (c === "[" && !inClass) inClass = true;
    else if (c === "]" && inClass) inClass = false;
    out += c;
  }
  try {
    return new RegExp(out, flags + extra);
  } catch (e) {
    throw new UnsupportedEstimatorError(
      `token_pattern ${JSON.stringify(pattern)} cannot be used: ${(e as Error).message}`,
    );
  }
}

/** The number of capturing groups of a Python pattern (re.findall returns the group when there is one). */
export function captureGroups(re: RegExp): number {
  return new RegExp(`${re.source}|`, re.flags.replace("g", "")).exec("")!.length - 1;
}
