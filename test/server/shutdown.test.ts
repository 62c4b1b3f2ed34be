import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "modelserve-shutdown-"));
  await mkdir(join(dir, "slow"));
  await writeFile(
    join(dir, "slow", "model-settings.json"),
    JSON.stringify({ name: "slow", implementation: "noop", parameters: { extra: { delay_ms: 3000 } } }),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function start(args: string[]): { child: ChildProcess; url: Promise<string>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, "start", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, MODELSERVE_LOG_LEVEL: "info" },
  });
  let out = "";
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n").find((l) => l.includes("modelserve listening"));
      if (line) resolve(JSON.parse(line).http);
    });
    child.once("exit", (code) => reject(new Error(`server exited early (${code}): ${out}`)));
  });
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, url, exit };
}

/** A request on a fresh connection (no keep-alive pool), resolving to its status or the socket error code. */
function freshGet(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end();
  });
}

function freshText(url: string): Promise<string> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => {
        text += c.toString();
      });
      res.on("end", () => resolve(text));
    });
    req.on("error", () => resolve(""));
    req.end();
  });
}

describe("modelserve start", () => {
  it("serves a folder and on SIGTERM finishes in-flight requests, refuses new ones and exits 0", async () => {
    const server = start([dir, "--host", "127.0.0.1", "--http-port", "0", "--grpc-port", "0"]);
    const url = await server.url;
    expect(await freshGet(`${url}/v2/health/ready`)).toBe(200);
    const inflight = fetch(`${url}/v2/models/slow/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ inputs: [{ name: "x", datatype: "INT32", shape: [1], data: [7] }] }),
    });
    // SIGTERM only once the server is handling the inference
    while (!/rest_server_requests_in_progress 1/.test(await freshText(`${url}/metrics`))) {
      await new Promise((r) => setTimeout(r, 50));
    }
    server.child.kill("SIGTERM");
    let after: number | string = 0;
    for (let i = 0; i < 60 && after !== "ECONNREFUSED"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await freshGet(`${url}/v2/health/live`);
    }
    expect(after).toBe("ECONNREFUSED");
    const res = await inflight;
    expect(res.status).toBe(200);
    const body = (await res.json()) as { outputs: { data: number[] }[] };
    expect(body.outputs[0].data).toEqual([7]);
    expect(await server.exit).toBe(0);
  });

  it("refuses a path that is not a folder with a usage error", async () => {
    const server = start([join(dir, "nowhere")]);
    server.url.catch(() => undefined);
    expect(await server.exit).toBe(2);
  });
});
