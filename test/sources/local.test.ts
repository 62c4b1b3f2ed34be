import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fetchModel, SourceError } from "../../src/sources/index.js";

describe("local and store:// model locations", () => {
  it("resolves a relative path against the project's working folder", async () => {
    const cwd = await mkdtemp(join(tmpdir(), "ms-local-"));
    await writeFile(join(cwd, "model.pkl"), "x");
    expect(await fetchModel("./model.pkl", { cwd })).toBe(join(cwd, "model.pkl"));
    expect(await fetchModel("model.pkl", { cwd })).toBe(join(cwd, "model.pkl"));
  });

  it("says which path does not exist", async () => {
    const cwd = await mkdtemp(join(tmpdir(), "ms-local-"));
    await expect(fetchModel("./nope.pkl", { cwd })).rejects.toThrow(
      `model not found: ${join(cwd, "nope.pkl")}`,
    );
  });

  it("follows a store:// key to the registered model's path", async () => {
    const cwd = await mkdtemp(join(tmpdir(), "ms-local-"));
    await writeFile(join(cwd, "m.joblib"), "x");
    const resolveStoreKey = async (key: string) => {
      expect(key).toBe("store://demo/model/sklearn/iris:abc");
      return "./m.joblib";
    };
    expect(await fetchModel("store://demo/model/sklearn/iris:abc", { cwd, resolveStoreKey })).toBe(
      join(cwd, "m.joblib"),
    );
    await expect(fetchModel("store://demo/model/sklearn/iris:abc", { cwd })).rejects.toThrow(SourceError);
  });

  it("refuses unknown schemes, naming the supported ones", async () => {
    await expect(fetchModel("gs://bucket/model.pkl")).rejects.toThrow(
      /use a local path, s3:\/\/, hf:\/\/ or store:\/\//,
    );
  });
});
