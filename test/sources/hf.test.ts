import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseHubUri } from "../../src/sources/hf.js";
import { fetchModel, SourceError } from "../../src/sources/index.js";
import { startHub } from "./hub-server.js";

const config = Buffer.from('{"model_type":"bert"}');
const weights = Buffer.alloc(64 * 1024, 7);

describe("hf:// through the hub HTTP API", () => {
  let hub: Awaited<ReturnType<typeof startHub>>;
  let home: string;
  beforeAll(async () => {
    hub = await startHub({
      "org/tiny": { sha: "a".repeat(40), files: { "config.json": config, "onnx/model.onnx": weights } },
      "org/gated": { sha: "b".repeat(40), files: { "config.json": config }, token: "hf_secret" },
      "org/flaky": {
        sha: "c".repeat(40),
        files: { "config.json": config, "w.bin": weights },
        broken: ["w.bin"],
      },
    });
    home = await mkdtemp(join(tmpdir(), "ms-hf-"));
  });
  afterAll(() => hub.server.close());

  const env = () => ({ HF_ENDPOINT: hub.url });

  it("parses hub URIs with an optional revision", () => {
    expect(parseHubUri("hf://org/tiny")).toEqual({ repo: "org/tiny", revision: "main" });
    expect(parseHubUri("huggingface://org/tiny@v1.0")).toEqual({ repo: "org/tiny", revision: "v1.0" });
    expect(() => parseHubUri("hf://")).toThrow(SourceError);
  });

  it("downloads every file of the repository, nested folders included, and reports progress", async () => {
    const seen: string[] = [];
    const dir = await fetchModel("hf://org/tiny", {
      home,
      env: env(),
      onProgress: (p) => seen.push(p.object),
    });
    expect(await readFile(join(dir, "config.json"))).toEqual(config);
    expect(await readFile(join(dir, "onnx", "model.onnx"))).toEqual(weights);
    expect(seen).toContain("onnx/model.onnx");
  });

  it("serves the second fetch from the cache, pinned to the commit", async () => {
    const before = hub.hits.filter((h) => h.includes("/resolve/")).length;
    const again = await fetchModel("hf://org/tiny", { home, env: env() });
    expect(hub.hits.filter((h) => h.includes("/resolve/")).length).toBe(before);
    expect(await readFile(join(again, "config.json"))).toEqual(config);
  });

  it("sends HF_TOKEN and says when access is denied", async () => {
    await expect(fetchModel("hf://org/gated", { home, env: env() })).rejects.toThrow(
      /access denied.*HF_TOKEN/,
    );
    const dir = await fetchModel("hf://org/gated", { home, env: { ...env(), HF_TOKEN: "hf_secret" } });
    expect(await readFile(join(dir, "config.json"))).toEqual(config);
  });

  it("names a missing repository", async () => {
    await expect(fetchModel("hf://org/nope", { home, env: env() })).rejects.toThrow(/org\/nope.*not found/);
  });

  it("never leaves a broken download in the cache", async () => {
    const flakyHome = await mkdtemp(join(tmpdir(), "ms-hf-flaky-"));
    await expect(fetchModel("hf://org/flaky", { home: flakyHome, env: env() })).rejects.toThrow(SourceError);
    expect(await readdir(join(flakyHome, "cache"))).toEqual([]);
  });
});
