import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { NDArray } from "../../../pickle/values.js";
import { extractZip } from "../../archive.js";
import { OBJECT } from "../../arrays.js";
import { BoosterFormatError, UnsupportedBoosterError } from "../errors.js";
import { readNpy } from "../npy.js";

/**
 * A LightGBM scikit-learn wrapper (LGBMClassifier, LGBMRegressor, …) as mlflow saves it by default: a
 * skops archive (schema.json describing the object tree, arrays in .npy files). Only the few nodes that
 * prediction needs are read, as data: the booster's model text (its `_handle`), its best iteration and the
 * classes. Nothing in the file is run, and any other shape of node is refused.
 */

export const WRAPPER_CLASSES = ["LGBMClassifier", "LGBMRegressor", "LGBMRanker", "LGBMModel"] as const;
export type WrapperClass = (typeof WRAPPER_CLASSES)[number];

export interface LgbWrapperState {
  readonly cls: WrapperClass;
  readonly modelText: string;
  /** the booster's best_iteration: prediction uses that many iterations when > 0 */
  readonly bestIteration: number;
  /** classifiers: the label of each class, in class-index order */
  readonly classes: NDArray | null;
}

type Node = Readonly<Record<string, unknown>>;

/** Reads a file the archive holds, by name (its arrays). */
export type ArchiveFiles = (name: string) => Promise<Uint8Array>;

class SchemaReader {
  constructor(
    private readonly file: string,
    private readonly files: ArchiveFiles,
  ) {}

  fail(path: string, what: string): never {
    throw new BoosterFormatError(`${this.file}: ${path}: ${what}`);
  }

  node(value: unknown, path: string, loader?: string): Node {
    if (typeof value !== "object" || value === null || Array.isArray(value))
      this.fail(path, "expected a skops node");
    const node = value as Node;
    if (loader !== undefined && node.__loader__ !== loader) {
      this.fail(
        path,
        `expected a ${loader}, got ${JSON.stringify(node.__loader__)} (${String(node.__class__)})`,
      );
    }
    return node;
  }

  /** The attributes of an ObjectNode (its state dict). */
  attributes(value: unknown, path: string): Node {
    const state = this.node(this.node(value, path, "ObjectNode").content, `${path}.content`, "DictNode");
    return this.node(state.content, `${path}.content.content`);
  }

  /** A JsonNode's value. */
  json(value: unknown, path: string): unknown {
    const node = this.node(value, path, "JsonNode");
    if (typeof node.content !== "string") this.fail(path, "a JsonNode without text");
    try {
      return JSON.parse(node.content);
    } catch {
      return this.fail(path, "a JsonNode whose text is not JSON");
    }
  }

  /** An NdArrayNode: a .npy file of the archive, or (object arrays) a list of JsonNodes. */
  async array(value: unknown, path: string): Promise<NDArray> {
    const node = this.node(value, path, "NdArrayNode");
    if (node.type === "numpy") {
      const name = node.file;
      if (typeof name !== "string" || !/^[\w.-]+\.npy$/.test(name))
        this.fail(path, `bad array file ${JSON.stringify(name)}`);
      const bytes = await this.files(name).catch(() => this.fail(path, `the archive has no ${name}`));
      return readNpy(bytes, `${this.file}:${name}`);
    }
    if (node.type === "json" && Array.isArray(node.content)) {
      const items = node.content.map((item, i) => this.json(item, `${path}.content[${i}]`));
      return { dtype: OBJECT, shape: [items.length], data: items };
    }
    return this.fail(path, `an array stored as ${JSON.stringify(node.type)}`);
  }
}

function asWrapper(cls: unknown, module: unknown, file: string): WrapperClass {
  if (module === "lightgbm.sklearn" && (WRAPPER_CLASSES as readonly unknown[]).includes(cls))
    return cls as WrapperClass;
  throw new UnsupportedBoosterError(
    `${file}: a skops file of ${String(module)}.${String(cls)}, not a LightGBM scikit-learn wrapper (${WRAPPER_CLASSES.join(", ")})`,
  );
}

/** The wrapper's state from a skops schema (schema.json, parsed); `files` reads the archive's arrays. */
export async function wrapperState(
  schema: unknown,
  files: ArchiveFiles,
  file: string,
): Promise<LgbWrapperState> {
  const r = new SchemaReader(file, files);
  const root = r.node(schema, "(root)", "ObjectNode");
  const cls = asWrapper(root.__class__, root.__module__, file);
  const attrs = r.attributes(root, "(root)");
  const objective = r.node(attrs._objective, "_objective");
  if (objective.__loader__ !== "JsonNode") {
    throw new UnsupportedBoosterError(
      `${file}: the ${cls} has a custom (Python callable) objective, which is not supported`,
    );
  }
  const boosterNode = r.node(attrs._Booster, "_Booster", "ObjectNode");
  if (boosterNode.__class__ !== "Booster" || boosterNode.__module__ !== "lightgbm.basic") {
    r.fail(
      "_Booster",
      `expected a lightgbm.basic.Booster, got ${String(boosterNode.__module__)}.${String(boosterNode.__class__)}`,
    );
  }
  const booster = r.attributes(boosterNode, "_Booster");
  const modelText = r.json(booster._handle, "_Booster._handle");
  if (typeof modelText !== "string") return r.fail("_Booster._handle", "expected the model text");
  const best = r.json(booster.best_iteration, "_Booster.best_iteration");
  if (!Number.isInteger(best) || (best as number) < 0) {
    r.fail("_Booster.best_iteration", `expected a non-negative integer, got ${JSON.stringify(best)}`);
  }
  const classes = cls === "LGBMClassifier" ? await r.array(attrs._classes, "_classes") : null;
  return { cls, modelText, bestIteration: best as number, classes };
}

/** Reads a wrapper from its skops archive, unpacked (with the archive limits) into a temporary folder. */
export async function readLgbSkops(path: string): Promise<LgbWrapperState> {
  const file = basename(path);
  const dir = await mkdtemp(join(tmpdir(), "modelserve-skops-"));
  try {
    await extractZip(path, dir);
    const text = await readFile(join(dir, "schema.json"), "utf8").catch(() => {
      throw new BoosterFormatError(`${file}: not a skops archive (no schema.json)`);
    });
    let schema: unknown;
    try {
      schema = JSON.parse(text);
    } catch (e) {
      throw new BoosterFormatError(`${file}: schema.json is not valid JSON: ${(e as Error).message}`, {
        cause: e,
      });
    }
    return await wrapperState(schema, (name) => readFile(join(dir, name)), file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
