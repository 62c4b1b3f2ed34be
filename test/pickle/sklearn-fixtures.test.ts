import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJoblib } from "../../src/pickle/index.js";

/**
 * Every real model file the scikit-learn fixture generators wrote (three releases, numpy 1.x and 2.x,
 * pickle protocols 2/4/5 and joblib) must parse, with any sklearn.* class allowed as data.
 */
const ROOT = join(import.meta.dirname, "../../fixtures/sklearn");
const files = readdirSync(ROOT, { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".pkl") || f.endsWith(".joblib"))
  .sort();
const anySklearn = { isAllowed: (cls: string) => cls.startsWith("sklearn."), supported: "" };

describe("real scikit-learn model files", () => {
  it("exist", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)("%s parses", (file) => {
    const value = readJoblib(readFileSync(join(ROOT, file)), { classes: anySklearn });
    expect(value).toMatchObject({ cls: expect.stringMatching(/^sklearn\./) });
  });
});
