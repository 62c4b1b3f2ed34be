import { join } from "node:path";
import { Readable } from "node:stream";
import type { ModelCache } from "./cache.js";
import { writeStream } from "./download.js";
import { SourceError } from "./errors.js";
import type { ProgressListener } from "./progress.js";

/** `hf://org/name[@revision]` (also `huggingface://`): a model repository on the Hugging Face hub. */
export interface HubLocation {
  repo: string;
  revision: string;
}

export function parseHubUri(uri: string): HubLocation {
  const m = /^(?:hf|huggingface):\/\/([^/@\s]+\/[^/@\s]+|[^/@\s]+)(?:@([^\s]+))?$/.exec(uri);
  if (!m)
    throw new SourceError(uri, `not a hub URI: ${uri} (expected hf://org/model or hf://org/model@revision)`);
  return { repo: m[1], revision: m[2] ?? "main" };
}

export interface HubOptions {
  /** HF_ENDPOINT: the hub's base URL (default https://huggingface.co) */
  endpoint: string;
  /** HF_TOKEN, sent as a bearer token for private and gated repositories */
  token?: string;
  onProgress?: ProgressListener;
}

export function hubOptionsFromEnv(env: NodeJS.ProcessEnv, onProgress?: ProgressListener): HubOptions {
  return {
    endpoint: (env.HF_ENDPOINT ?? "https://huggingface.co").replace(/\/+$/, ""),
    token: env.HF_TOKEN ?? env.HUGGING_FACE_HUB_TOKEN,
    onProgress,
  };
}

/**
 * Downloads every file of a repository at a revision through the hub's HTTP API: the revision is first
 * resolved to its commit sha (`/api/models/{repo}/revision/{rev}`), so the cache entry is pinned to content
 * and a moving branch never serves a stale mix of files.
 */
export async function fetchHub(uri: string, cache: ModelCache, options: HubOptions): Promise<string> {
  const { repo, revision } = parseHubUri(uri);
  const info = await hubJson(uri, options, `/api/models/${repo}/revision/${encodeURIComponent(revision)}`);
  const sha = typeof info.sha === "string" ? info.sha : revision;
  const files = Array.isArray(info.siblings)
    ? info.siblings
        .map((s: { rfilename?: unknown }) => s.rfilename)
        .filter((f): f is string => typeof f === "string")
    : [];
  if (files.length === 0) throw new SourceError(uri, `the hub lists no files for ${repo}@${revision}`);
  return cache.entry(`hf\n${options.endpoint}\n${repo}\n${sha}`, async (tmp) => {
    for (const file of files) {
      const path = `/${repo}/resolve/${sha}/${file.split("/").map(encodeURIComponent).join("/")}`;
      const res = await hubFetch(uri, options, path, file);
      const size = Number(res.headers.get("content-length") ?? Number.NaN);
      await writeStream(
        uri,
        file,
        Readable.fromWeb(res.body as import("node:stream/web").ReadableStream),
        join(tmp, ...file.split("/")),
        Number.isFinite(size) ? size : undefined,
        options.onProgress,
      );
    }
  });
}

async function hubJson(uri: string, options: HubOptions, path: string): Promise<Record<string, unknown>> {
  const res = await hubFetch(uri, options, path, path);
  try {
    return (await res.json()) as Record<string, unknown>;
  } catch (e) {
    throw new SourceError(
      uri,
      `the hub at ${options.endpoint} answered ${path} with something that is not JSON`,
      {
        cause: e,
      },
    );
  }
}

async function hubFetch(uri: string, options: HubOptions, path: string, object: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(options.endpoint + path, {
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      redirect: "follow",
    });
  } catch (e) {
    throw new SourceError(uri, `cannot reach the hub at ${options.endpoint}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (res.ok && res.body) return res;
  const why =
    res.status === 401 || res.status === 403
      ? "access denied (a private or gated repository: set HF_TOKEN)"
      : res.status === 404
        ? "not found"
        : `HTTP ${res.status}`;
  throw new SourceError(uri, `cannot fetch ${object} for ${uri}: ${why}`, { status: res.status });
}
