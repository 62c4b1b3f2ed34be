import { UnsupportedBoosterError } from "../errors.js";
import { checkTreeShape } from "../tree-shape.js";
import { type Doc, DocReader } from "./document.js";

/**
 * An xgboost model (the `learner` of its JSON/UBJSON document) as plain arrays, checked once at load so
 * that evaluation never meets an out-of-range index: tree shapes, feature indices, category lists.
 */

export interface XgbTree {
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly feature: Int32Array;
  /** split thresholds for internal nodes, leaf values for leaves (float32, as xgboost stores them) */
  readonly condition: Float32Array;
  readonly defaultLeft: Uint8Array;
  /** for a categorical split node, the sorted categories that go right; null for numerical nodes */
  readonly categories: ReadonlyArray<Int32Array | null> | null;
}

export interface XgbModel {
  readonly objective: string;
  /** the objective's own parameters, e.g. { num_class: "3" } or { tweedie_variance_power: "1.5" } */
  readonly objectiveParams: Readonly<Record<string, string>>;
  /** learner_model_param.base_score, one per output group (xgboost ≥ 2 may store a vector) */
  readonly baseScore: Float32Array;
  readonly numFeature: number;
  /** output groups: num_class for multi-class objectives, else num_target */
  readonly numGroup: number;
  readonly numClass: number;
  readonly featureNames: readonly string[] | null;
  readonly trees: readonly XgbTree[];
  /** the output group each tree adds to */
  readonly treeGroup: Int32Array;
  /** dart's per-tree weights; null for gbtree */
  readonly treeWeight: Float32Array | null;
  /** tree index where each boosting round starts, one more entry than rounds */
  readonly iterationIndptr: Int32Array;
  /**
   * gblinear's coefficients instead of trees: feature f of group g at f × numGroup + g, then one bias per
   * group; null for tree boosters
   */
  readonly linearWeights: Float32Array | null;
  readonly attributes: Readonly<Record<string, string>>;
}

/** Enough for any real model; bounds what a hostile count can make us allocate. */
const MAX_COUNT = 2 ** 31 - 1;

function parseBaseScore(r: DocReader, value: unknown, groups: number, path: string): Float32Array {
  const text = r.string(value, path).trim();
  const parts = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1).split(",") : [text];
  const values = parts.map((p, i) => r.numberText(p.trim(), `${path}[${i}]`));
  if (values.length === 1) return new Float32Array(groups).fill(values[0]);
  if (values.length !== groups) r.fail(path, `has ${values.length} values for ${groups} output groups`);
  return Float32Array.from(values);
}

function parseCategories(
  r: DocReader,
  t: Doc,
  path: string,
  splitType: ArrayLike<number>,
  nodes: number,
): Array<Int32Array | null> | null {
  let any = false;
  for (let i = 0; i < nodes; i++) {
    if (splitType[i] !== 0 && splitType[i] !== 1)
      r.fail(`${path}.split_type[${i}]`, `expected 0 or 1, got ${splitType[i]}`);
    if (splitType[i] === 1) any = true;
  }
  if (!any) return null;
  const all = r.integers(r.field(t, "categories", path), `${path}.categories`);
  const catNodes = r.integers(r.field(t, "categories_nodes", path), `${path}.categories_nodes`);
  const segments = r.integers(
    r.field(t, "categories_segments", path),
    `${path}.categories_segments`,
    catNodes.length,
  );
  const sizes = r.integers(r.field(t, "categories_sizes", path), `${path}.categories_sizes`, catNodes.length);
  const out: Array<Int32Array | null> = new Array(nodes).fill(null);
  for (let k = 0; k < catNodes.length; k++) {
    const node = catNodes[k];
    const where = `${path}.categories_nodes[${k}]`;
    if (node < 0 || node >= nodes || splitType[node] !== 1)
      r.fail(where, `node ${node} is not a categorical split`);
    const begin = segments[k];
    const end = begin + sizes[k];
    if (begin < 0 || sizes[k] < 0 || end > all.length) {
      r.fail(where, `categories [${begin}, ${end}) outside the ${all.length} listed`);
    }
    out[node] = all.slice(begin, end).sort();
  }
  for (let i = 0; i < nodes; i++) {
    if (splitType[i] === 1 && out[i] === null)
      r.fail(`${path}.split_type[${i}]`, "a categorical split without categories");
  }
  return out;
}

function parseTree(r: DocReader, value: unknown, path: string, numFeature: number): XgbTree {
  const t = r.object(value, path);
  const param = r.object(r.field(t, "tree_param", path), `${path}.tree_param`);
  const nodes = r.countText(
    r.field(param, "num_nodes", `${path}.tree_param`),
    `${path}.tree_param.num_nodes`,
    MAX_COUNT,
  );
  const leafVector = param.size_leaf_vector;
  if (
    leafVector !== undefined &&
    r.countText(leafVector, `${path}.tree_param.size_leaf_vector`, MAX_COUNT) > 1
  ) {
    throw new UnsupportedBoosterError(
      `${r.file}: ${path} is a multi-target tree (vector leaves, multi_strategy="multi_output_tree"), which is not supported`,
    );
  }
  const left = r.integers(r.field(t, "left_children", path), `${path}.left_children`, nodes);
  const right = r.integers(r.field(t, "right_children", path), `${path}.right_children`, nodes);
  const feature = r.integers(r.field(t, "split_indices", path), `${path}.split_indices`, nodes);
  const condition = Float32Array.from(
    r.numbers(r.field(t, "split_conditions", path), `${path}.split_conditions`, nodes),
  );
  const defaultLeft = r.flags(r.field(t, "default_left", path), `${path}.default_left`, nodes);
  const splitType =
    t.split_type === undefined ? new Uint8Array(nodes) : r.numbers(t.split_type, `${path}.split_type`, nodes);
  for (let i = 0; i < nodes; i++) {
    if ((left[i] === -1) !== (right[i] === -1))
      r.fail(`${path}`, `node ${i} has one child (${left[i]}, ${right[i]})`);
    if (left[i] !== -1 && (feature[i] < 0 || feature[i] >= numFeature)) {
      r.fail(
        `${path}.split_indices[${i}]`,
        `feature ${feature[i]} outside the model's ${numFeature} features`,
      );
    }
  }
  checkTreeShape(nodes, (n) => (left[n] === -1 ? null : [left[n], right[n]]), `${r.file}: ${path}`);
  return {
    left,
    right,
    feature,
    condition,
    defaultLeft,
    categories: parseCategories(r, t, path, splitType, nodes),
  };
}

function stringMap(r: DocReader, value: unknown, path: string): Record<string, string> {
  const doc = r.object(value, path);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc)) out[k] = r.string(v, `${path}.${k}`);
  return out;
}

/** The objective's parameter section ("reg_loss_param", "softmax_multiclass_param", …), flattened. */
function objectiveParams(r: DocReader, objective: Doc, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(objective)) {
    if (k !== "name" && typeof v === "object") Object.assign(out, stringMap(r, v, `${path}.${k}`));
  }
  return out;
}

/** gbtree's model section, or dart's (the same, plus per-tree weights). */
function treeSection(
  r: DocReader,
  booster: Doc,
  path: string,
): { model: Doc; path: string; weights: Float32Array | null } {
  const name = r.string(r.field(booster, "name", path), `${path}.name`);
  if (name === "gbtree")
    return {
      model: r.object(r.field(booster, "model", path), `${path}.model`),
      path: `${path}.model`,
      weights: null,
    };
  if (name === "dart") {
    const inner = r.object(r.field(booster, "gbtree", path), `${path}.gbtree`);
    const section = treeSection(r, inner, `${path}.gbtree`);
    const weights = Float32Array.from(
      r.numbers(r.field(booster, "weight_drop", path), `${path}.weight_drop`),
    );
    return { ...section, weights };
  }
  throw new UnsupportedBoosterError(
    `${r.file}: booster '${name}' is not supported (gbtree, dart and gblinear are)`,
  );
}

function checkNoRecoding(r: DocReader, model: Doc, path: string): void {
  const cats = model.cats;
  if (cats === undefined) return;
  const enc = r.object(cats, `${path}.cats`).enc;
  if (enc !== undefined && r.array(enc, `${path}.cats.enc`).length > 0) {
    throw new UnsupportedBoosterError(
      `${r.file}: the model re-encodes categories it saw as strings (trained on pandas categorical columns, ${path}.cats.enc); only category codes given as numbers are supported`,
    );
  }
}

/** Parses a decoded model document (JSON or UBJSON); `file` names it in errors. */
export function parseXgbModel(document: unknown, file: string): XgbModel {
  const r = new DocReader(file);
  const root = r.object(document, "(root)");
  const learner = r.object(r.field(root, "learner", "(root)"), "learner");
  const mp = r.object(r.field(learner, "learner_model_param", "learner"), "learner.learner_model_param");
  const numFeature = r.countText(
    r.field(mp, "num_feature", "learner.learner_model_param"),
    "learner.learner_model_param.num_feature",
    MAX_COUNT,
  );
  const numClass =
    mp.num_class === undefined
      ? 0
      : r.countText(mp.num_class, "learner.learner_model_param.num_class", MAX_COUNT);
  const numTarget =
    mp.num_target === undefined
      ? 1
      : r.countText(mp.num_target, "learner.learner_model_param.num_target", MAX_COUNT);
  const numGroup = Math.max(numClass, numTarget, 1);
  const baseScore = parseBaseScore(
    r,
    r.field(mp, "base_score", "learner.learner_model_param"),
    numGroup,
    "learner.learner_model_param.base_score",
  );

  const objective = r.object(r.field(learner, "objective", "learner"), "learner.objective");
  const names =
    learner.feature_names === undefined ? [] : r.array(learner.feature_names, "learner.feature_names");
  const featureNames =
    names.length === 0 ? null : names.map((n, i) => r.string(n, `learner.feature_names[${i}]`));
  if (featureNames !== null && featureNames.length !== numFeature) {
    r.fail("learner.feature_names", `has ${featureNames.length} names for ${numFeature} features`);
  }
  const common = {
    objective: r.string(r.field(objective, "name", "learner.objective"), "learner.objective.name"),
    objectiveParams: objectiveParams(r, objective, "learner.objective"),
    baseScore,
    numFeature,
    numGroup,
    numClass,
    featureNames,
    attributes:
      learner.attributes === undefined ? {} : stringMap(r, learner.attributes, "learner.attributes"),
  };
  const booster = r.object(r.field(learner, "gradient_booster", "learner"), "learner.gradient_booster");
  if (booster.name === "gblinear") {
    const path = "learner.gradient_booster.model";
    const model = r.object(r.field(booster, "model", "learner.gradient_booster"), path);
    const weights = Float32Array.from(
      r.numbers(r.field(model, "weights", path), `${path}.weights`, (numFeature + 1) * numGroup),
    );
    return {
      ...common,
      trees: [],
      treeGroup: new Int32Array(0),
      treeWeight: null,
      iterationIndptr: new Int32Array(1),
      linearWeights: weights,
    };
  }
  const section = treeSection(r, booster, "learner.gradient_booster");
  const { model, path } = section;
  checkNoRecoding(r, model, path);
  const trees = r
    .array(r.field(model, "trees", path), `${path}.trees`)
    .map((t, i) => parseTree(r, t, `${path}.trees[${i}]`, numFeature));
  const treeGroup = r.integers(r.field(model, "tree_info", path), `${path}.tree_info`, trees.length);
  treeGroup.forEach((g, i) => {
    if (g < 0 || g >= numGroup)
      r.fail(`${path}.tree_info[${i}]`, `group ${g} outside the model's ${numGroup} output groups`);
  });
  if (section.weights !== null && section.weights.length !== trees.length) {
    r.fail(
      "learner.gradient_booster.weight_drop",
      `has ${section.weights.length} weights for ${trees.length} trees`,
    );
  }
  return {
    ...common,
    trees,
    treeGroup,
    treeWeight: section.weights,
    iterationIndptr: iterationIndptr(r, model, path, trees.length, numGroup),
    linearWeights: null,
  };
}

/** The trees of each boosting round; models older than xgboost 2 do not store it, so derive it from the round size. */
function iterationIndptr(
  r: DocReader,
  model: Doc,
  path: string,
  trees: number,
  numGroup: number,
): Int32Array {
  if (model.iteration_indptr !== undefined) {
    const indptr = r.integers(model.iteration_indptr, `${path}.iteration_indptr`);
    const ok =
      indptr.length >= 1 &&
      indptr[0] === 0 &&
      indptr[indptr.length - 1] === trees &&
      indptr.every((v, i) => i === 0 || v >= indptr[i - 1]);
    if (!ok) r.fail(`${path}.iteration_indptr`, `must rise from 0 to the ${trees} trees`);
    return indptr;
  }
  const param = r.object(r.field(model, "gbtree_model_param", path), `${path}.gbtree_model_param`);
  const parallel =
    param.num_parallel_tree === undefined
      ? 1
      : r.countText(param.num_parallel_tree, `${path}.gbtree_model_param.num_parallel_tree`, MAX_COUNT);
  const perRound = Math.max(1, parallel) * numGroup;
  if (trees % perRound !== 0) r.fail(`${path}.trees`, `${trees} trees are not whole rounds of ${perRound}`);
  return Int32Array.from({ length: trees / perRound + 1 }, (_, i) => i * perRound);
}
