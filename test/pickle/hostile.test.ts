import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isModelserveError } from "../../src/errors.js";
import { readJoblib } from "../../src/pickle/index.js";

/** The hostile corpus (fixtures/pickle/hostile/make_hostile.py): each file refused with the expected error. */
const DIR = join(import.meta.dirname, "../../fixtures/pickle/hostile");
const expected: Record<string, { code: string | null; message: string | null }> = JSON.parse(
  readFileSync(join(DIR, "expected.json"), "utf8"),
);
/**
 * The 8 MiB bombs are read with a 1 MiB limit so that the test stays small (the xz bomb uses the default),
 * and so are the overlapping record fields (200 views of one 8 KB array).
 */
const limitsFor = (file: string) => {
  if (file.startsWith("bomb_8mib")) return { maxDecompressedBytes: 1024 * 1024 };
  if (file.startsWith("structured_overlap")) return { maxAllocatedBytes: 1024 * 1024 };
  return {};
};

describe("hostile corpus", () => {
  const cases = Object.entries(expected).filter(([, e]) => e.code !== null);

  it("is not empty", () => {
    expect(cases.length).toBeGreaterThan(50);
  });

  it.each(cases)("%s is refused", (file, { code, message }) => {
    let error: unknown;
    try {
      readJoblib(readFileSync(join(DIR, file)), { limits: limitsFor(file) });
    } catch (e) {
      error = e;
    }
    expect(isModelserveError(error), `${file}: ${String(error)}`).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    expect((error as Error).message).toMatch(new RegExp(message!));
  });

  it("reads a list that contains itself (legal Python) without looping", () => {
    const value = readJoblib(readFileSync(join(DIR, "self_reference.pkl"))) as unknown[];
    expect(value[0]).toBe(value);
  });
});
