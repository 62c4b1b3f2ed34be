import { readFile } from "node:fs/promises";
import { z } from "zod";
import { ErrorCodes, ModelserveError } from "../errors.js";

/**
 * Server settings: MLServer-compatible `settings.json` keys (host, http_port, grpc_port, parallel_workers,
 * debug, server_name, load_models_at_startup) plus ours (limits, logging, readiness), each overridable by an
 * environment variable: MODELSERVE_<KEY> (ours, wins) or MLSERVER_<KEY> for the keys MLServer has.
 */

export class SettingsError extends ModelserveError {
  constructor(message: string) {
    super(ErrorCodes.SPEC_INVALID, message);
  }
}

const port = z.number().int().min(0).max(65535);

export const serverSettingsSchema = z.strictObject({
  host: z.string().min(1).default("0.0.0.0"),
  http_port: port.default(8080),
  grpc_port: port.default(8081),
  /** start the gRPC transport (when the build has it) */
  grpc_enabled: z.boolean().default(true),
  /** default worker threads per model when its settings do not say (0: infer on the event loop) */
  parallel_workers: z.number().int().min(0).default(0),
  debug: z.boolean().default(false),
  server_name: z.string().default("modelserve"),
  load_models_at_startup: z.boolean().default(true),
  /** largest accepted request body (413 beyond) */
  max_request_body_bytes: z
    .number()
    .int()
    .min(1)
    .default(64 * 1024 * 1024),
  /** seconds to receive a request and to answer an inference (504 beyond); 0: no limit */
  request_timeout_seconds: z.number().min(0).default(60),
  /** seconds a graceful shutdown waits for in-flight requests */
  shutdown_timeout_seconds: z.number().min(0).default(30),
  /** ready only when every listed model is ready (Triton's strict readiness) */
  strict_readiness: z.boolean().default(true),
  /** pino level: fatal, error, warn, info, debug (per-request logs), trace */
  log_level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** serve the OpenAPI document and its page at /v2/docs */
  docs_enabled: z.boolean().default(true),
});

export type ServerSettings = z.output<typeof serverSettingsSchema>;

const MLSERVER_KEYS = new Set([
  "host",
  "http_port",
  "grpc_port",
  "parallel_workers",
  "debug",
  "server_name",
  "load_models_at_startup",
]);

function envValue(raw: string, example: unknown): unknown {
  if (typeof example === "number") return Number(raw);
  if (typeof example === "boolean") return /^(1|true|yes|on)$/i.test(raw);
  return raw;
}

/** The environment's overrides as a partial settings object (typed by the defaults). */
export function settingsFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const defaults = serverSettingsSchema.parse({});
  const out: Record<string, unknown> = {};
  for (const [key, example] of Object.entries(defaults)) {
    const upper = key.toUpperCase();
    const raw = env[`MODELSERVE_${upper}`] ?? (MLSERVER_KEYS.has(key) ? env[`MLSERVER_${upper}`] : undefined);
    if (raw !== undefined && raw !== "") out[key] = envValue(raw, example);
  }
  return out;
}

/** Validates settings; the message names each bad key. */
export function parseServerSettings(input: unknown): ServerSettings {
  const result = serverSettingsSchema.safeParse(input);
  if (!result.success) {
    throw new SettingsError(
      `invalid server settings: ${z.prettifyError(result.error).replaceAll("\n", "; ")}`,
    );
  }
  const settings = result.data;
  if (settings.debug && settings.log_level === "info") settings.log_level = "debug";
  return settings;
}

/**
 * Settings from an optional settings.json, then the environment on top (env wins), then `overrides`
 * (command-line flags) on top of that.
 */
export async function loadServerSettings(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  overrides: Record<string, unknown> = {},
): Promise<ServerSettings> {
  let fromFile: Record<string, unknown> = {};
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") text = "{}";
      else throw e;
    }
    try {
      fromFile = JSON.parse(text);
    } catch (e) {
      throw new SettingsError(`${file} is not valid JSON: ${(e as Error).message}`);
    }
    // MLServer's settings.json has keys we do not use (metrics_port, cors_settings…): keep ours only
    fromFile = Object.fromEntries(
      Object.entries(fromFile).filter(([k]) => Object.hasOwn(serverSettingsSchema.shape, k)),
    );
  }
  return parseServerSettings({ ...fromFile, ...settingsFromEnv(env), ...overrides });
}
