import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorCodes, isModelserveError } from "../../src/errors.js";
import { extractZip } from "../../src/mlflow/archive.js";
import { parseLgbModel } from "../../src/mlflow/boosters/lightgbm/model.js";
import { lgbObjective } from "../../src/mlflow/boosters/lightgbm/objectives.js";
import { wrapperState } from "../../src/mlflow/boosters/lightgbm/skops.js";
import { readNpy } from "../../src/mlflow/boosters/npy.js";
import { decodeUbjson } from "../../src/mlflow/boosters/ubjson.js";
import { decodeXgbModel } from "../../src/mlflow/boosters/xgboost/read.js";
import { BOOSTERS } from "./boosters-fixtures.js";

/**
 * Corrupt and hostile model files: each fails at load with a typed error (MODEL_LOAD_FAILED for a broken
 * file, MODEL_UNSUPPORTED for a well-formed one we do not evaluate) naming the file and the spot,
 * never with a crash, a hang or a huge allocation.
 */

const json = readFileSync(join(BOOSTERS, "xgb_categorical", "model.json"));
const ubj = readFileSync(join(BOOSTERS, "xgb_binary_ubj", "model.ubj"));
const lgb = readFileSync(join(BOOSTERS, "lgb_categorical", "model.lgb"), "utf8");

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isModelserveError(e)) return e.code;
    throw e;
  }
  throw new Error("expected an error");
}

/** The parts of an xgboost JSON document the edits below touch. */
interface TreeDoc {
  left_children: number[];
  default_left: number[];
  split_indices: number[];
  split_conditions: number[];
  categories_nodes: number[];
  categories_sizes: number[];
  tree_param: Record<string, string>;
}
interface ModelDoc {
  learner: {
    gradient_booster: {
      name: string;
      model: { trees: TreeDoc[]; tree_info: number[]; cats: { enc: unknown[] } };
    };
  };
}

/** The JSON model with `edit` applied to its document. */
function editedJson(edit: (doc: ModelDoc) => void): Uint8Array {
  const doc = JSON.parse(json.toString("utf8"));
  edit(doc);
  return Buffer.from(JSON.stringify(doc));
}

const firstTree = (doc: ModelDoc): TreeDoc => doc.learner.gradient_booster.model.trees[0];

describe("xgboost: corrupt and hostile files", () => {
  it("the untouched fixtures decode (the edits below are what fails)", () => {
    expect(decodeXgbModel(json, "model.json").trees.length).toBe(6);
    expect(decodeXgbModel(ubj, "model.ubj").trees.length).toBe(8);
  });

  it("default_left given as booleans (older xgboost JSON) reads as the same model", () => {
    const bools = editedJson((d) => {
      for (const t of d.learner.gradient_booster.model.trees) {
        (t as unknown as { default_left: boolean[] }).default_left = t.default_left.map((v) => v === 1);
      }
    });
    const a = decodeXgbModel(json, "model.json").trees.map((t) => [...t.defaultLeft]);
    const b = decodeXgbModel(bools, "model.json").trees.map((t) => [...t.defaultLeft]);
    expect(b).toEqual(a);
    expect(a.flat()).toContain(1);
  });

  it("every truncation of a UBJSON model fails as a load error", () => {
    for (let n = 0; n < ubj.length; n += 97) {
      expect(codeOf(() => decodeXgbModel(ubj.subarray(0, n), "model.ubj"))).toMatch(
        /MODEL_LOAD_FAILED|MODEL_UNSUPPORTED/,
      );
    }
    expect(() => decodeXgbModel(ubj.subarray(0, ubj.length - 1), "model.ubj")).toThrow(
      /model\.ubj: invalid UBJSON at byte \d+/,
    );
  });

  it("a truncated JSON model fails naming the file", () => {
    expect(() => decodeXgbModel(json.subarray(0, json.length / 2), "model.json")).toThrow(
      /model\.json: not valid JSON/,
    );
  });

  it("a child index out of range", () => {
    const bytes = editedJson((d) => {
      firstTree(d).left_children[0] = 999;
    });
    expect(() => decodeXgbModel(bytes, "model.json")).toThrow(
      /trees\[0\]: node 0 has child 999, outside the tree's 15 nodes/,
    );
  });

  it("a cycle", () => {
    const bytes = editedJson((d) => {
      firstTree(d).left_children[1] = 0;
    });
    expect(() => decodeXgbModel(bytes, "model.json")).toThrow(
      /node 0 is reached twice \(a cycle or a shared subtree\)/,
    );
  });

  it("a split on a feature the model does not have", () => {
    const bytes = editedJson((d) => {
      firstTree(d).split_indices[0] = 10;
    });
    expect(() => decodeXgbModel(bytes, "model.json")).toThrow(
      /split_indices\[0\]: feature 10 outside the model's 10 features/,
    );
  });

  it("arrays shorter than num_nodes", () => {
    const bytes = editedJson((d) => {
      firstTree(d).split_conditions.pop();
    });
    expect(() => decodeXgbModel(bytes, "model.json")).toThrow(/split_conditions: expected 15 values, got 14/);
  });

  it("category lists outside the categories array", () => {
    const bytes = editedJson((d) => {
      const t = d.learner.gradient_booster.model.trees.find((x) => x.categories_nodes.length > 0)!;
      t.categories_sizes[0] = 10_000;
    });
    expect(() => decodeXgbModel(bytes, "model.json")).toThrow(
      /categories_nodes\[0\]: categories \[0, 10\d{3}\) outside/,
    );
  });

  it("a tree group beyond the output groups", () => {
    const bytes = editedJson((d) => {
      d.learner.gradient_booster.model.tree_info[2] = 1;
    });
    expect(() => decodeXgbModel(bytes, "model.json")).toThrow(
      /tree_info\[2\]: group 1 outside the model's 1 output groups/,
    );
  });

  it("UBJSON counts larger than the file fail before allocating", () => {
    // [#L 2^53-1: an array claiming 9e15 items in a 12-byte file
    const huge = Uint8Array.from([0x5b, 0x23, 0x4c, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(() => decodeUbjson(huge, "x.ubj")).toThrow(/array of 9007199254740991 items does not fit/);
    // [$d#l 2^30: a typed float32 array of 4 GiB
    const typed = Uint8Array.from([0x5b, 0x24, 0x64, 0x23, 0x6c, 0x40, 0x00, 0x00, 0x00]);
    expect(() => decodeUbjson(typed, "x.ubj")).toThrow(/needs 4294967296 more bytes, the file ends after 0/);
  });

  it("UBJSON nesting deeper than any model fails without exhausting the stack", () => {
    expect(() => decodeUbjson(new Uint8Array(100_000).fill(0x5b), "x.ubj")).toThrow(/nested deeper than 64/);
  });

  it("UBJSON with negative lengths, unknown markers or trailing bytes", () => {
    expect(() => decodeUbjson(Uint8Array.from([0x53, 0x69, 0xff]), "x.ubj")).toThrow(/negative length -1/);
    expect(() => decodeUbjson(Uint8Array.from([0x48]), "x.ubj")).toThrow(/unknown or unsupported marker 'H'/);
    expect(() => decodeUbjson(Uint8Array.from([0x5a, 0x5a]), "x.ubj")).toThrow(/trailing bytes/);
  });

  it("the legacy binary format is refused with what to do", () => {
    // the first bytes of a legacy model: LearnerModelParam (base_score float32 0.5, num_feature 8, …)
    const legacy = Uint8Array.from([0x00, 0x00, 0x00, 0x3f, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
    expect(codeOf(() => decodeXgbModel(legacy, "model.deprecated"))).toBe(ErrorCodes.MODEL_UNSUPPORTED);
    expect(() => decodeXgbModel(legacy, "model.deprecated")).toThrow(/legacy binary format .* re-save it/);
  });

  it("a gblinear model with too few weights", () => {
    const linear = editedJson((d) => {
      (d.learner as { gradient_booster: unknown }).gradient_booster = {
        name: "gblinear",
        model: { weights: [0] },
      };
    });
    expect(() => decodeXgbModel(linear, "model.json")).toThrow(/model\.weights: expected 11 values, got 1/);
  });

  it("unknown boosters, multi-target trees and recoded categories are refused as unsupported", () => {
    const unknown = editedJson((d) => {
      d.learner.gradient_booster.name = "gbfoo";
    });
    expect(codeOf(() => decodeXgbModel(unknown, "model.json"))).toBe(ErrorCodes.MODEL_UNSUPPORTED);
    expect(() => decodeXgbModel(unknown, "model.json")).toThrow(/booster 'gbfoo' is not supported/);
    const vector = editedJson((d) => {
      firstTree(d).tree_param.size_leaf_vector = "3";
    });
    expect(() => decodeXgbModel(vector, "model.json")).toThrow(/multi-target tree/);
    const recoded = editedJson((d) => {
      d.learner.gradient_booster.model.cats.enc = [["a", "b"]];
    });
    expect(() => decodeXgbModel(recoded, "model.json")).toThrow(/re-encodes categories/);
  });
});

describe("LightGBM: corrupt and hostile files", () => {
  it("the untouched fixture parses", () => {
    expect(parseLgbModel(lgb, "model.lgb").trees.length).toBe(8);
  });

  it("a truncated model fails naming what is missing", () => {
    expect(() => parseLgbModel(lgb.slice(0, lgb.indexOf("Tree=3")), "model.lgb")).toThrow(
      /model\.lgb: \(end\): no 'end of trees' line: the model is truncated/,
    );
    expect(() => parseLgbModel("", "model.lgb")).toThrow(/expected 'tree'/);
  });

  it("every truncation before the end of the trees fails as a load error, never a crash", () => {
    for (let n = 0; n < lgb.indexOf("end of trees"); n += 211) {
      expect(codeOf(() => parseLgbModel(lgb.slice(0, n), "model.lgb"))).toBe(ErrorCodes.MODEL_LOAD_FAILED);
    }
  });

  it("a child index out of range", () => {
    const bad = lgb.replace(/^left_child=\S+/m, "left_child=99");
    expect(() => parseLgbModel(bad, "model.lgb")).toThrow(
      /tree 0 .*left_child\[0\] = 99 is not an integer in \[-7, 5\]/,
    );
  });

  it("a cycle", () => {
    const bad = lgb.replace(/^left_child=(\S+) (\S+)/m, "left_child=$1 0");
    expect(() => parseLgbModel(bad, "model.lgb")).toThrow(/node 0 is reached twice/);
  });

  it("a categorical split naming a category set the tree lacks", () => {
    const bad = lgb
      .replace(/^cat_boundaries=0 1 2$/m, "cat_boundaries=0 2")
      .replace(/^num_cat=2$/m, "num_cat=1");
    expect(() => parseLgbModel(bad, "model.lgb")).toThrow(
      /categorical node \d+ names category set 1, but the tree has 1/,
    );
  });

  it("values that are not numbers, and counts that do not match num_leaves", () => {
    expect(() => parseLgbModel(lgb.replace(/^leaf_value=\S+/m, "leaf_value=abc"), "model.lgb")).toThrow(
      /leaf_value\[0\]: 'abc' is not a number/,
    );
    expect(() => parseLgbModel(lgb.replace(/^num_leaves=7$/m, "num_leaves=8"), "model.lgb")).toThrow(
      /leaf_value has 7 values, expected 8/,
    );
  });

  it("an objective without a known output transform is refused as unsupported", () => {
    expect(codeOf(() => lgbObjective("custom", "model.lgb"))).toBe(ErrorCodes.MODEL_UNSUPPORTED);
  });
});

describe("LightGBM scikit-learn wrappers: hostile skops archives", () => {
  let dir: string;
  let schemaText: string;
  const files = (name: string) => readFile(join(dir, name));
  /** The fixture's skops schema with `edit` applied to the wrapper's attributes. */
  const edited = (
    edit: (attrs: Record<string, Record<string, unknown>>, root: Record<string, unknown>) => void,
  ) => {
    const root = JSON.parse(schemaText);
    edit(root.content.content, root);
    return root;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ms-skops-test-"));
    await extractZip(join(BOOSTERS, "lgb_classifier_binary", "model.skops"), dir);
    schemaText = await readFile(join(dir, "schema.json"), "utf8");
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("the untouched fixture reads", async () => {
    const state = await wrapperState(JSON.parse(schemaText), files, "model.skops");
    expect(state.cls).toBe("LGBMClassifier");
    expect(state.classes?.dtype.str).toBe("<i8");
  });

  it("another class is refused as unsupported, naming it", async () => {
    const schema = edited((_, root) => {
      root.__class__ = "LogisticRegression";
      root.__module__ = "sklearn.linear_model._logistic";
    });
    await expect(wrapperState(schema, files, "model.skops")).rejects.toThrow(
      /sklearn\.linear_model\._logistic\.LogisticRegression, not a LightGBM scikit-learn wrapper/,
    );
  });

  it("a booster node of another class, or without its model text", async () => {
    const other = edited((a) => {
      a._Booster.__class__ = "Evil";
    });
    await expect(wrapperState(other, files, "model.skops")).rejects.toThrow(
      /_Booster: expected a lightgbm\.basic\.Booster/,
    );
    const noText = edited((a) => {
      const booster = a._Booster as { content: { content: Record<string, { content: string }> } };
      booster.content.content._handle.content = "42";
    });
    await expect(wrapperState(noText, files, "model.skops")).rejects.toThrow(
      /_Booster\._handle: expected the model text/,
    );
  });

  it("a custom (callable) objective is refused as unsupported", async () => {
    const schema = edited((a) => {
      a._objective = { __class__: "function", __module__: "x", __loader__: "FunctionNode", content: "x.f" };
    });
    await expect(wrapperState(schema, files, "model.skops")).rejects.toThrow(
      /custom \(Python callable\) objective/,
    );
  });

  it("array files outside the archive or missing from it", async () => {
    const outside = edited((a) => {
      a._classes.file = "../../etc/passwd.npy";
    });
    await expect(wrapperState(outside, files, "model.skops")).rejects.toThrow(/_classes: bad array file/);
    const missing = edited((a) => {
      a._classes.file = "404.npy";
    });
    await expect(wrapperState(missing, files, "model.skops")).rejects.toThrow(
      /_classes: the archive has no 404\.npy/,
    );
  });

  it("a truncated or lying .npy fails naming the file", async () => {
    const name = (JSON.parse(schemaText).content.content._classes as { file: string }).file;
    const bytes = await files(name);
    expect(() => readNpy(bytes.subarray(0, bytes.length - 3), name)).toThrow(
      /data has \d+ bytes but shape \(2\)/,
    );
    expect(() => readNpy(bytes.subarray(0, 20), name)).toThrow(/header runs past the end/);
    expect(() => readNpy(Uint8Array.from([1, 2, 3]), name)).toThrow(/no \\x93NUMPY magic/);
  });
});
