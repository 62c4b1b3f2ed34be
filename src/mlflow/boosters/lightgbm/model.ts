import { BoosterFormatError } from "../errors.js";
import { checkTreeShape } from "../tree-shape.js";

/**
 * A LightGBM text model (`Booster.save_model`, mlflow's `model.lgb`) as plain arrays, checked at load:
 * array lengths against num_leaves, child indices, feature indices, category bitset ranges.
 */

export interface LgbLinearLeaves {
  readonly constant: Float64Array;
  /** per leaf, the features of its linear model and their coefficients */
  readonly features: readonly Int32Array[];
  readonly coefficients: readonly Float64Array[];
}

export interface LgbTree {
  readonly numLeaves: number;
  /** internal nodes: split feature, threshold (a category-set index for categorical splits), decision bits */
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly decisionType: Uint8Array;
  /** a child ≥ 0 is an internal node, a child < 0 is leaf ~child */
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly leafValue: Float64Array;
  /** category sets: set k is catThreshold[catBoundaries[k] .. catBoundaries[k+1]), a bitset of 32-bit words */
  readonly catBoundaries: Int32Array;
  readonly catThreshold: Uint32Array;
  readonly linear: LgbLinearLeaves | null;
}

export interface LgbModel {
  /** the objective line, e.g. "binary sigmoid:1", "multiclass num_class:3" */
  readonly objective: string;
  readonly numClass: number;
  readonly treesPerIteration: number;
  readonly numFeature: number;
  readonly featureNames: readonly string[];
  /** random forest mode: the raw score is the mean of the iterations, not their sum */
  readonly averageOutput: boolean;
  readonly trees: readonly LgbTree[];
}

/** Far more than any real model; bounds what a hostile count can make us allocate. */
const MAX_LEAVES = 1 << 24;

type Fields = ReadonlyMap<string, string>;

class TextReader {
  constructor(readonly file: string) {}

  fail(where: string, what: string): never {
    throw new BoosterFormatError(`${this.file}: ${where}: ${what}`);
  }

  get(fields: Fields, key: string, where: string): string {
    const value = fields.get(key);
    if (value === undefined) this.fail(where, `missing '${key}='`);
    return value;
  }

  integer(fields: Fields, key: string, where: string, min: number, max: number): number {
    const text = this.get(fields, key, where);
    const n = Number(text);
    if (!/^-?\d+$/.test(text.trim()) || n < min || n > max) {
      this.fail(where, `${key}=${text.slice(0, 40)} is not an integer in [${min}, ${max}]`);
    }
    return n;
  }

  private tokens(fields: Fields, key: string, where: string, length: number): string[] {
    const text = this.get(fields, key, where).trim();
    const tokens = text === "" ? [] : text.split(/\s+/);
    if (tokens.length !== length) this.fail(where, `${key} has ${tokens.length} values, expected ${length}`);
    return tokens;
  }

  doubles(fields: Fields, key: string, where: string, length: number): Float64Array {
    return Float64Array.from(this.tokens(fields, key, where, length), (t, i) =>
      this.double(t, `${where}: ${key}[${i}]`),
    );
  }

  integers(fields: Fields, key: string, where: string, length: number, min: number, max: number): Int32Array {
    return Int32Array.from(this.integerValues(fields, key, where, length, min, max));
  }

  integerValues(
    fields: Fields,
    key: string,
    where: string,
    length: number,
    min: number,
    max: number,
  ): number[] {
    return this.tokens(fields, key, where, length).map((t, i) => {
      const n = Number(t);
      if (!/^-?\d+$/.test(t) || n < min || n > max)
        this.fail(where, `${key}[${i}] = ${t} is not an integer in [${min}, ${max}]`);
      return n;
    });
  }

  /** LightGBM writes doubles with 17 digits, and infinities as "inf" (C++ stream style). */
  double(token: string, where: string): number {
    const lower = token.toLowerCase();
    if (lower === "inf" || lower === "+inf") return Number.POSITIVE_INFINITY;
    if (lower === "-inf") return Number.NEGATIVE_INFINITY;
    const n = Number(token);
    if (token === "" || Number.isNaN(n)) this.fail(where, `'${token.slice(0, 40)}' is not a number`);
    return n;
  }
}

/** key=value lines; lines without '=' are flags (e.g. average_output) mapped to "". */
function fieldsOf(lines: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of lines) {
    const eq = line.indexOf("=");
    if (eq < 0) fields.set(line.trim(), "");
    else fields.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return fields;
}

function parseLinear(
  r: TextReader,
  fields: Fields,
  where: string,
  numLeaves: number,
  numFeature: number,
): LgbLinearLeaves {
  const constant = r.doubles(fields, "leaf_const", where, numLeaves);
  const counts = r.integers(fields, "num_features", where, numLeaves, 0, numFeature);
  const total = counts.reduce((a, b) => a + b, 0);
  const allFeatures = r.integers(fields, "leaf_features", where, total, 0, numFeature - 1);
  const allCoefficients = r.doubles(fields, "leaf_coeff", where, total);
  const features: Int32Array[] = [];
  const coefficients: Float64Array[] = [];
  let at = 0;
  for (const count of counts) {
    features.push(allFeatures.slice(at, at + count));
    coefficients.push(allCoefficients.slice(at, at + count));
    at += count;
  }
  return { constant, features, coefficients };
}

function parseTree(r: TextReader, fields: Fields, where: string, numFeature: number): LgbTree {
  const numLeaves = r.integer(fields, "num_leaves", where, 1, MAX_LEAVES);
  const leafValue = r.doubles(fields, "leaf_value", where, numLeaves);
  const isLinear = fields.has("is_linear") && r.integer(fields, "is_linear", where, 0, 1) === 1;
  const linear = isLinear ? parseLinear(r, fields, where, numLeaves, numFeature) : null;
  const nodes = numLeaves - 1;
  if (nodes === 0) {
    const none = new Int32Array(0);
    return {
      numLeaves,
      feature: none,
      threshold: new Float64Array(0),
      decisionType: new Uint8Array(0),
      left: none,
      right: none,
      leafValue,
      catBoundaries: none,
      catThreshold: new Uint32Array(0),
      linear,
    };
  }
  const feature = r.integers(fields, "split_feature", where, nodes, 0, numFeature - 1);
  const threshold = r.doubles(fields, "threshold", where, nodes);
  const decisionType = Uint8Array.from(r.integers(fields, "decision_type", where, nodes, 0, 255));
  const left = r.integers(fields, "left_child", where, nodes, -numLeaves, nodes - 1);
  const right = r.integers(fields, "right_child", where, nodes, -numLeaves, nodes - 1);
  // one index space for the shape check: internal nodes first, then leaves
  const asNode = (child: number): number => (child >= 0 ? child : nodes + ~child);
  checkTreeShape(
    numLeaves + nodes,
    (n) => (n < nodes ? [asNode(left[n]), asNode(right[n])] : null),
    `${r.file}: ${where}`,
  );

  const numCat = r.integer(fields, "num_cat", where, 0, nodes);
  let catBoundaries: Int32Array = new Int32Array(1);
  let catThreshold: Uint32Array = new Uint32Array(0);
  if (numCat > 0) {
    const words = fields.get("cat_threshold")?.trim().split(/\s+/).length ?? 0;
    catBoundaries = r.integers(fields, "cat_boundaries", where, numCat + 1, 0, words);
    if (
      catBoundaries[0] !== 0 ||
      catBoundaries[numCat] !== words ||
      catBoundaries.some((b, i) => i > 0 && b < catBoundaries[i - 1])
    ) {
      r.fail(where, `cat_boundaries must rise from 0 to the ${words} words of cat_threshold`);
    }
    catThreshold = Uint32Array.from(r.integerValues(fields, "cat_threshold", where, words, 0, 2 ** 32 - 1));
  }
  for (let n = 0; n < nodes; n++) {
    if (decisionType[n] & 1) {
      const set = threshold[n];
      if (!Number.isInteger(set) || set < 0 || set >= numCat) {
        r.fail(where, `categorical node ${n} names category set ${set}, but the tree has ${numCat}`);
      }
    }
  }
  return {
    numLeaves,
    feature,
    threshold,
    decisionType,
    left,
    right,
    leafValue,
    catBoundaries,
    catThreshold,
    linear,
  };
}

/** Parses a LightGBM text model; `file` names it in errors. */
export function parseLgbModel(text: string, file: string): LgbModel {
  const r = new TextReader(file);
  const lines = text.split(/\r?\n/);
  if (lines[0]?.trim() !== "tree") {
    r.fail("line 1", `expected 'tree' (a LightGBM text model), got '${(lines[0] ?? "").slice(0, 40)}'`);
  }
  const firstTree = lines.findIndex((l) => l.startsWith("Tree="));
  const endOfTrees = lines.findIndex((l) => l.trim() === "end of trees");
  if (endOfTrees < 0) r.fail("(end)", "no 'end of trees' line: the model is truncated");
  const header = fieldsOf(
    lines.slice(1, firstTree < 0 ? endOfTrees : firstTree).filter((l) => l.trim() !== ""),
  );
  const numClass = r.integer(header, "num_class", "header", 1, MAX_LEAVES);
  const treesPerIteration = r.integer(header, "num_tree_per_iteration", "header", 1, MAX_LEAVES);
  const numFeature = r.integer(header, "max_feature_idx", "header", 0, MAX_LEAVES) + 1;
  const names = header.get("feature_names")?.trim().split(/\s+/) ?? [];

  const trees: LgbTree[] = [];
  let i = firstTree < 0 ? endOfTrees : firstTree;
  while (i < endOfTrees) {
    const where = `tree ${trees.length} (line ${i + 1})`;
    if (lines[i] !== `Tree=${trees.length}`)
      r.fail(where, `expected 'Tree=${trees.length}', got '${lines[i].slice(0, 40)}'`);
    let end = i + 1;
    while (end < endOfTrees && !lines[end].startsWith("Tree=")) end++;
    const fields = fieldsOf(lines.slice(i + 1, end).filter((l) => l.trim() !== ""));
    trees.push(parseTree(r, fields, where, numFeature));
    i = end;
  }
  if (trees.length % treesPerIteration !== 0) {
    r.fail("trees", `${trees.length} trees are not whole iterations of ${treesPerIteration}`);
  }
  return {
    objective: header.get("objective") ?? "regression",
    numClass,
    treesPerIteration,
    numFeature,
    featureNames: names,
    averageOutput: header.has("average_output"),
    trees,
  };
}
