import { InvalidInputError, type State, UnsupportedEstimatorError } from "../common/index.js";
import { captureGroups, pythonRegex } from "./python_regex.js";

/**
 * scikit-learn's `build_analyzer` for the built-in analyzers: preprocessing (lowercase, then accent
 * stripping), word tokens by token_pattern with stop-word removal and word n-grams, or character n-grams
 * ("char", "char_wb"). Characters are code points, as Python indexes strings.
 */
export type Analyzer = (doc: string) => string[];

const COMBINING = /\p{M}/gu;
const NON_ASCII = /[^\p{ASCII}]/u;
const NON_ASCII_ALL = /[^\p{ASCII}]/gu;

function stripAccents(mode: unknown): ((s: string) => string) | undefined {
  if (mode === null || mode === undefined) return undefined;
  if (mode === "unicode") {
    // unchanged when already ASCII, as scikit-learn short-cuts
    return (s) => (!NON_ASCII.test(s) ? s : s.normalize("NFKD").replace(COMBINING, ""));
  }
  if (mode === "ascii") return (s) => s.normalize("NFKD").replace(NON_ASCII_ALL, "");
  throw new UnsupportedEstimatorError(
    `strip_accents=${JSON.stringify(mode)} is not supported: use 'ascii', 'unicode' or None`,
  );
}

function ngramRange(s: State): [number, number] {
  const r = s.get("ngram_range");
  if (!Array.isArray(r) || r.length !== 2)
    throw new UnsupportedEstimatorError(`${s.owner}.ngram_range must be a pair`);
  return [Number(r[0]), Number(r[1])];
}

function stopWords(s: State): Set<string> | undefined {
  const sw = s.opt("stop_words");
  if (sw === undefined) return undefined;
  if (typeof sw === "string") {
    throw new UnsupportedEstimatorError(
      `${s.owner}(stop_words='${sw}') is not supported: scikit-learn's built-in list is not bundled; fit with an explicit list of words`,
    );
  }
  const items = sw instanceof Set ? [...sw] : Array.isArray(sw) ? sw : undefined;
  if (items === undefined)
    throw new UnsupportedEstimatorError(`${s.owner}.stop_words must be a list of words`);
  return new Set(items.map(String));
}

function wordNgrams(tokens: string[], stop: Set<string> | undefined, minN: number, maxN: number): string[] {
  const kept = stop === undefined ? tokens : tokens.filter((t) => !stop.has(t));
  if (maxN === 1) return kept;
  const out = minN === 1 ? [...kept] : [];
  for (let n = Math.max(minN, 2); n <= Math.min(maxN, kept.length); n++) {
    for (let i = 0; i + n <= kept.length; i++) out.push(kept.slice(i, i + n).join(" "));
  }
  return out;
}

const WHITE_SPACES = /\s\s+/gu;

function charNgrams(text: string, minN: number, maxN: number): string[] {
  const chars = Array.from(text.replace(WHITE_SPACES, " "));
  const out: string[] = [];
  for (let n = minN; n <= Math.min(maxN, chars.length); n++) {
    for (let i = 0; i + n <= chars.length; i++) out.push(chars.slice(i, i + n).join(""));
  }
  return out;
}

function charWbNgrams(text: string, minN: number, maxN: number): string[] {
  const out: string[] = [];
  for (const word of text.replace(WHITE_SPACES, " ").split(/\s+/u)) {
    if (word === "") continue;
    const w = Array.from(` ${word} `);
    for (let n = minN; n <= maxN; n++) {
      let offset = 0;
      out.push(w.slice(offset, offset + n).join(""));
      while (offset + n < w.length) {
        offset += 1;
        out.push(w.slice(offset, offset + n).join(""));
      }
      if (offset === 0) break; // a word shorter than n is counted once
    }
  }
  return out;
}

export function buildAnalyzer(s: State): Analyzer {
  for (const key of ["preprocessor", "tokenizer"]) {
    if (s.has(key)) throw new UnsupportedEstimatorError(`${s.owner} with a custom ${key} is not supported`);
  }
  const analyzer = s.get("analyzer");
  if (typeof analyzer !== "string")
    throw new UnsupportedEstimatorError(`${s.owner} with a callable analyzer is not supported`);
  const lower = s.boolean("lowercase");
  const strip = stripAccents(s.opt("strip_accents"));
  const pre = (doc: string) => {
    const d = lower ? doc.toLowerCase() : doc;
    return strip ? strip(d) : d;
  };
  const [minN, maxN] = ngramRange(s);
  if (analyzer === "char") return (doc) => charNgrams(pre(doc), minN, maxN);
  if (analyzer === "char_wb") return (doc) => charWbNgrams(pre(doc), minN, maxN);
  if (analyzer !== "word")
    throw new UnsupportedEstimatorError(`${s.owner}(analyzer='${analyzer}') is not supported`);
  const re = pythonRegex(s.string("token_pattern"));
  const groups = captureGroups(re);
  if (groups > 1)
    throw new UnsupportedEstimatorError(`${s.owner}.token_pattern has more than one capturing group`);
  const stop = stopWords(s);
  return (doc) => {
    const tokens: string[] = [];
    for (const m of pre(doc).matchAll(re)) tokens.push(groups === 1 ? (m[1] ?? "") : m[0]);
    return wordNgrams(tokens, stop, minN, maxN);
  };
}

/** The request's documents as strings (scikit-learn refuses NaN and non-text documents). */
export function documents(values: readonly unknown[], owner: string): string[] {
  return values.map((v, i) => {
    if (typeof v === "string") return v;
    if (v instanceof Uint8Array) return new TextDecoder().decode(v);
    throw new InvalidInputError(
      `${owner} needs text documents, but document ${i} is ${v === null ? "missing (null/NaN)" : typeof v}`,
    );
  });
}
