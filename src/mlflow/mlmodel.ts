import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { MLmodelError } from "./errors.js";
import { parsePythonJson } from "./python-json.js";
import { parseParams, parseSchema, type Signature } from "./signature.js";

/**
 * The MLmodel file of an MLflow model folder (mlflow.models.Model.to_yaml): the flavors with their
 * configurations, the signature, where the input example was saved, free-form metadata.
 */

export interface MLmodel {
  readonly flavors: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly signature?: Signature;
  readonly mlflowVersion?: string;
  readonly modelUuid?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** where the input example was saved, relative to the model folder */
  readonly inputExampleFile?: string;
  /**
   * the input example, parsed from its JSON artifact (`saved_input_example_info.artifact_path`) as Python
   * reads it: mlflow writes missing values as NaN, and integers stay exact (bigint)
   */
  readonly inputExample?: unknown;
}

const flavorConf = z.record(z.string(), z.unknown());

const mlmodelFile = z.object({
  flavors: z.record(z.string(), flavorConf.nullable()).refine((f) => Object.keys(f).length > 0, {
    message: "no flavor is declared",
  }),
  signature: z
    .object({
      inputs: z.unknown().optional(),
      outputs: z.unknown().optional(),
      params: z.unknown().optional(),
    })
    .nullish(),
  saved_input_example_info: z.object({ artifact_path: z.string() }).passthrough().nullish(),
  metadata: flavorConf.nullish(),
  mlflow_version: z.string().nullish(),
  model_uuid: z.string().nullish(),
});

function parseSignature(raw: z.infer<typeof mlmodelFile>["signature"], where: string): Signature | undefined {
  if (!raw) return undefined;
  return {
    ...(raw.inputs ? { inputs: parseSchema(raw.inputs, `${where} signature.inputs`) } : {}),
    ...(raw.outputs ? { outputs: parseSchema(raw.outputs, `${where} signature.outputs`) } : {}),
    ...(raw.params ? { params: parseParams(raw.params, `${where} signature.params`) } : {}),
  };
}

/** Parses the text of an MLmodel file; `where` names it in errors. */
export function parseMLmodel(text: string, where = "MLmodel"): Omit<MLmodel, "inputExample"> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new MLmodelError(where, `not valid YAML: ${(e as Error).message}`, { cause: e });
  }
  const parsed = mlmodelFile.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MLmodelError(where, `field '${issue.path.join(".") || "(root)"}': ${issue.message}`);
  }
  const m = parsed.data;
  const flavors = Object.fromEntries(Object.entries(m.flavors).map(([k, v]) => [k, v ?? {}]));
  const signature = parseSignature(m.signature, where);
  return {
    flavors,
    ...(signature ? { signature } : {}),
    ...(m.mlflow_version ? { mlflowVersion: m.mlflow_version } : {}),
    ...(m.model_uuid ? { modelUuid: m.model_uuid } : {}),
    ...(m.metadata ? { metadata: m.metadata } : {}),
    ...(m.saved_input_example_info ? { inputExampleFile: m.saved_input_example_info.artifact_path } : {}),
  };
}

/** Reads `<dir>/MLmodel` and the input example it points to. */
export async function readMLmodel(dir: string): Promise<MLmodel> {
  const file = join(dir, "MLmodel");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new MLmodelError(dir, "not an MLflow model: it has no MLmodel file", { cause: e });
  }
  const model = parseMLmodel(text, file);
  if (model.inputExampleFile === undefined) return model;
  const examplePath = join(dir, model.inputExampleFile);
  if (!examplePath.startsWith(join(dir, "/"))) {
    throw new MLmodelError(file, `saved_input_example_info.artifact_path leaves the model folder`);
  }
  try {
    return { ...model, inputExample: parsePythonJson(await readFile(examplePath, "utf8")) };
  } catch (e) {
    throw new MLmodelError(examplePath, `the input example cannot be read: ${(e as Error).message}`, {
      cause: e,
    });
  }
}
