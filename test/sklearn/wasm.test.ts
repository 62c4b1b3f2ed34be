import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileWat } from "../../scripts/build-wasm.js";

const SRC = join(import.meta.dirname, "../../src");
const sources = readdirSync(SRC, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".wat"));

describe("WebAssembly kernels", () => {
  it("has sources", () => {
    expect(sources).toContain("sklearn/common/wasm/linear_forward.wat");
    expect(sources).toContain("sklearn/common/wasm/binary_labels.wat");
  });

  it.each(sources)("%s is what the code loads, built from this source", async (wat) => {
    const built = readFileSync(join(SRC, wat.replace(/\.wat$/, ".wasm")));
    const fresh = await compileWat(join(SRC, wat));
    expect(Buffer.from(fresh).equals(built), `${wat}: the .wasm is stale, run npm run build`).toBe(true);
  });
});
