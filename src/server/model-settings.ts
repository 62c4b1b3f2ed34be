import { readdir, readFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { z } from "zod";
import type { ModelSettings } from "../runtimes/runtime.js";
import { DATATYPE_NAMES } from "./codecs/datatypes.js";

/**
 * MLServer-compatible model-settings.json → our ModelSettings, and the folder tree that holds them
 * (`mlserver start <folder>`). A file that does not parse is reported as a failed model (named after its
 * folder) instead of stopping the server.
 */

export const MODEL_SETTINGS_FILE = "model-settings.json";

const tensorMetadata = z.object({
  name: z.string().min(1),
  datatype: z.enum(DATATYPE_NAMES as [string, ...string[]]),
  shape: z.array(z.number().int().min(-1)),
  parameters: z.record(z.string(), z.unknown()).optional(),
});

const modelSettingsFile = z.object({
  name: z.string().min(1).optional(),
  implementation: z
    .string()
    .min(1, 'implementation is required (e.g. "sklearn" or "mlserver_sklearn.SKLearnModel")'),
  platform: z.string().optional(),
  versions: z.array(z.string()).optional(),
  inputs: z.array(tensorMetadata).optional(),
  outputs: z.array(tensorMetadata).optional(),
  max_batch_size: z.number().int().min(0).optional(),
  max_batch_time: z.number().min(0).optional(),
  parallel_workers: z.number().int().min(0).optional(),
  parameters: z
    .looseObject({
      uri: z.string().optional(),
      version: z.union([z.string(), z.number()]).optional(),
      content_type: z.string().optional(),
      extra: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});

/** One model found in a repository: its settings, or why they could not be read. */
export type RepositoryModel =
  | { name: string; version?: string; settings: ModelSettings; error?: undefined }
  | { name: string; version?: string; settings?: undefined; error: string };

function hasScheme(uri: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(uri);
}

/**
 * Normalises parsed model-settings.json content. `folder` is where the file lives: it names a model
 * without a name and anchors a relative `parameters.uri` (MLServer's rules).
 */
export function parseModelSettings(content: unknown, folder: string): ModelSettings {
  const result = modelSettingsFile.safeParse(content);
  if (!result.success) throw new Error(z.prettifyError(result.error).replaceAll("\n", "; "));
  const file = result.data;
  const { uri, version, extra, ...rest } = file.parameters ?? {};
  const settings: ModelSettings = {
    name: file.name ?? basename(folder),
    implementation: file.implementation,
    // a uri with a scheme (s3://…) is left for a source to fetch; no uri means the folder itself
    uri: uri === undefined ? folder : hasScheme(uri) || isAbsolute(uri) ? uri : resolve(folder, uri),
  };
  if (version !== undefined) settings.version = String(version);
  const parameters = { ...rest, ...extra };
  if (Object.keys(parameters).length > 0) settings.parameters = parameters;
  if (file.max_batch_size !== undefined) settings.max_batch_size = file.max_batch_size;
  if (file.max_batch_time !== undefined) settings.max_batch_time = file.max_batch_time;
  if (file.parallel_workers !== undefined) settings.parallel_workers = file.parallel_workers;
  if (file.inputs !== undefined) settings.inputs = file.inputs as ModelSettings["inputs"];
  if (file.outputs !== undefined) settings.outputs = file.outputs as ModelSettings["outputs"];
  if (file.platform !== undefined) settings.platform = file.platform;
  return settings;
}

export async function readModelSettingsFile(path: string): Promise<RepositoryModel> {
  const folder = dirname(resolve(path));
  const fallbackName = basename(folder);
  try {
    const settings = parseModelSettings(JSON.parse(await readFile(path, "utf8")), folder);
    return settings.version === undefined
      ? { name: settings.name, settings }
      : { name: settings.name, version: settings.version, settings };
  } catch (e) {
    return { name: fallbackName, error: `${path}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

const SKIPPED_FOLDERS = new Set(["node_modules", ".git", "__pycache__"]);

/** Every model-settings.json under `root` (depth-first, sorted, hidden folders skipped). */
export async function findModelSettingsFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string, depth: number): Promise<void> => {
    if (depth > 16) return;
    const entries = await readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (entry.isFile() && entry.name === MODEL_SETTINGS_FILE) found.push(join(folder, entry.name));
    }
    for (const entry of entries) {
      if (entry.isDirectory() && !entry.name.startsWith(".") && !SKIPPED_FOLDERS.has(entry.name)) {
        await walk(join(folder, entry.name), depth + 1);
      }
    }
  };
  await walk(resolve(root), 0);
  return found;
}

/** A model repository on disk: a folder tree of model-settings.json files, re-read on every listing. */
export class FolderModelRepository {
  constructor(
    readonly root: string,
    private readonly extra: readonly ModelSettings[] = [],
  ) {}

  async list(): Promise<RepositoryModel[]> {
    const files = await findModelSettingsFiles(this.root);
    const models = await Promise.all(files.map(readModelSettingsFile));
    for (const settings of this.extra) {
      models.push(
        settings.version === undefined
          ? { name: settings.name, settings }
          : { name: settings.name, version: settings.version, settings },
      );
    }
    return models;
  }
}

/**
 * The model MLServer builds from MLSERVER_MODEL_* variables (how KServe launches it), if any:
 * MLSERVER_MODEL_NAME, _IMPLEMENTATION, _URI, _VERSION, _MAX_BATCH_SIZE, _MAX_BATCH_TIME,
 * _PARALLEL_WORKERS, _EXTRA (JSON object).
 */
export function modelSettingsFromEnv(env: NodeJS.ProcessEnv, cwd: string): ModelSettings | undefined {
  const implementation = env.MLSERVER_MODEL_IMPLEMENTATION;
  if (implementation === undefined || implementation === "") return undefined;
  const content: Record<string, unknown> = { implementation, parameters: {} };
  const parameters = content.parameters as Record<string, unknown>;
  if (env.MLSERVER_MODEL_NAME) content.name = env.MLSERVER_MODEL_NAME;
  if (env.MLSERVER_MODEL_URI) parameters.uri = env.MLSERVER_MODEL_URI;
  if (env.MLSERVER_MODEL_VERSION) parameters.version = env.MLSERVER_MODEL_VERSION;
  if (env.MLSERVER_MODEL_EXTRA) parameters.extra = JSON.parse(env.MLSERVER_MODEL_EXTRA);
  for (const key of ["max_batch_size", "max_batch_time", "parallel_workers"]) {
    const value = env[`MLSERVER_MODEL_${key.toUpperCase()}`];
    if (value !== undefined && value !== "") content[key] = Number(value);
  }
  return parseModelSettings(content, cwd);
}
