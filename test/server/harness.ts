import pino from "pino";
import type { ModelSettings } from "../../src/runtimes/runtime.js";
import { type ServerHandle, type StartOptions, startServer } from "../../src/server/index.js";
import type { ServerSettings } from "../../src/server/settings.js";

/** A parsed response body: tests assert on its shape. */
// biome-ignore lint/suspicious/noExplicitAny: the assertions are the type check of a response body
export type Json = any;

/** A real server on a free loopback port, silent, no gRPC unless asked. */
export async function startTestServer(
  models: ModelSettings[],
  settings: Partial<ServerSettings> = {},
  options: StartOptions = {},
): Promise<ServerHandle> {
  return startServer(
    { host: "127.0.0.1", http_port: 0, grpc_enabled: false, ...settings },
    { models, logger: pino({ level: "silent" }), ...options },
  );
}

export async function post(
  server: ServerHandle,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Json; headers: Headers; bytes: Buffer }> {
  const payload = typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
  const res = await fetch(`${server.httpUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: payload,
  });
  return read(res);
}

export async function get(server: ServerHandle, path: string) {
  return read(await fetch(`${server.httpUrl}${path}`));
}

async function read(res: Response) {
  const bytes = Buffer.from(await res.arrayBuffer());
  let json: Json;
  const headerLength = res.headers.get("inference-header-content-length");
  const text =
    headerLength === null ? bytes.toString("utf8") : bytes.subarray(0, Number(headerLength)).toString("utf8");
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, headers: res.headers, bytes };
}
