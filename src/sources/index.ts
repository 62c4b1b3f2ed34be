import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { modelserveHome } from "../store/home.js";
import { ModelCache } from "./cache.js";
import { SourceError } from "./errors.js";
import { fetchHub, hubOptionsFromEnv } from "./hf.js";
import type { ProgressListener } from "./progress.js";
import { fetchS3, s3ClientFromEnv } from "./s3.js";

export { modelserveHome } from "../store/home.js";
export { SourceError } from "./errors.js";
export type { Progress, ProgressListener } from "./progress.js";

export interface FetchOptions {
  /** the project's working folder, against which relative local paths resolve (default: process.cwd()) */
  cwd?: string;
  /** MODELSERVE_HOME; downloads are cached under its `cache/` folder */
  home?: string;
  /** where credentials and endpoints are read from (default: process.env) */
  env?: NodeJS.ProcessEnv;
  onProgress?: ProgressListener;
  /** turns a `store://{project}/model/{kind}/{name}:{id}` key into the registered model's own path */
  resolveStoreKey?: (key: string) => Promise<string>;
}

/**
 * Makes a model available on this machine and returns the local path of its file or folder:
 * local paths as they are; `s3://` objects or prefixes, and `hf://` repositories, downloaded into the
 * content-addressed cache; `store://` model keys through the store to whatever path the model has.
 */
export async function fetchModel(uri: string, options: FetchOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const cache = new ModelCache(join(options.home ?? modelserveHome(env), "cache"));
  if (uri.startsWith("s3://")) return fetchS3(uri, s3ClientFromEnv(env), cache, options.onProgress);
  if (uri.startsWith("hf://") || uri.startsWith("huggingface://")) {
    return fetchHub(uri, cache, hubOptionsFromEnv(env, options.onProgress));
  }
  if (uri.startsWith("store://")) {
    if (!options.resolveStoreKey) throw new SourceError(uri, `cannot resolve ${uri}: no store is available`);
    const target = await options.resolveStoreKey(uri);
    if (target.startsWith("store://")) {
      throw new SourceError(
        uri,
        `${uri} points to another store key (${target}); a model's path must be a location`,
      );
    }
    return fetchModel(target, options);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw new SourceError(
      uri,
      `unsupported model location ${uri}: use a local path, s3://, hf:// or store://`,
    );
  }
  const path = resolve(options.cwd ?? process.cwd(), uri);
  try {
    await stat(path);
  } catch {
    throw new SourceError(uri, `model not found: ${path} does not exist`, { status: 404 });
  }
  return path;
}
