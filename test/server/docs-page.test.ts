import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerHandle } from "../../src/server/index.js";
import { get, startTestServer } from "./harness.js";

/**
 * The /v2/docs page as a browser shows it: headless Chromium loads it (Swagger UI from the server's own
 * assets, no network), lets its scripts run, and the rendered DOM must list every operation of the
 * OpenAPI document. Needs Debian's chromium (scripts/setup-chromium.sh); skipped, saying so, without it.
 */

const SETUP = "bash scripts/setup-chromium.sh";

function findChromium(): string | undefined {
  for (const name of [process.env.CHROMIUM, "chromium", "chromium-browser"]) {
    if (name === undefined || name === "") continue;
    try {
      execFileSync(name, ["--version"], { stdio: "ignore" });
      return name;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** The DOM after the page's scripts ran (virtual time lets Swagger UI finish rendering before the dump). */
async function renderedDom(chromium: string, url: string): Promise<string> {
  const profile = await mkdtemp(join(tmpdir(), "modelserve-chromium-"));
  try {
    return await new Promise<string>((resolve, reject) => {
      execFile(
        chromium,
        [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          `--user-data-dir=${profile}`,
          "--virtual-time-budget=15000",
          "--dump-dom",
          url,
        ],
        { timeout: 60_000, maxBuffer: 32 * 1024 * 1024 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`chromium failed: ${error.message}\n${stderr}`)) : resolve(stdout),
      );
    });
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

/** "GET /v2/health/live" for every operation block Swagger UI rendered. */
function renderedOperations(dom: string): string[] {
  const out: string[] = [];
  const block =
    /class="opblock opblock-[a-z]+"[\s\S]*?opblock-summary-method">([A-Z]+)<[\s\S]*?data-path="([^"]+)"/g;
  for (const m of dom.matchAll(block)) out.push(`${m[1]} ${m[2]}`);
  return out;
}

const chromium = findChromium();

describe("the /v2/docs page in headless Chromium", () => {
  let server: ServerHandle;

  beforeAll(async () => {
    server = await startTestServer([{ name: "echo", implementation: "noop" }]);
  });
  afterAll(async () => {
    await server.close();
  });

  it("renders every operation of the OpenAPI document", async (ctx) => {
    ctx.skip(chromium === undefined, `chromium is not installed: run ${SETUP}`);
    const document = (await get(server, "/v2/docs/openapi.json")).json as {
      info: { title: string };
      paths: Record<string, Record<string, unknown>>;
    };
    const expected = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(expected.length).toBeGreaterThan(10);

    const dom = await renderedDom(chromium!, `${server.httpUrl}/v2/docs/`);
    expect(dom).toContain(document.info.title);
    expect(renderedOperations(dom).sort()).toEqual(expected.sort());
  }, 90_000);
});
