import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ForbiddenGlobalError, readJoblib, readPickle } from "../../src/pickle/index.js";
import { tag } from "./tagged.js";

const ROOT = join(import.meta.dirname, "../../fixtures/pickle");
const VERSIONS = readdirSync(ROOT).filter((d) => d.startsWith("numpy-"));
const TEST_CLASSES = {
  isAllowed: (cls: string) => cls.startsWith("sklearn.modelserve_pickle_test."),
  supported: "Only the test classes are allowed.",
};

const read = (version: string, file: string) => readFileSync(join(ROOT, version, file));
const expected = (version: string, name: string) =>
  JSON.parse(read(version, `${name}.json`).toString("utf8"));

describe.each(VERSIONS)("fixtures written by %s", (version) => {
  const files = readdirSync(join(ROOT, version)).filter(
    (f) => !f.endsWith(".json") && !f.startsWith("lambda") && !f.startsWith("unregistered"),
  );

  it.each(files)("%s decodes to what Python pickled", (file) => {
    const name = file.slice(0, file.indexOf("."));
    const value = readJoblib(read(version, file), { classes: TEST_CLASSES });
    expect(tag(value)).toEqual(expected(version, name));
  });

  it("refuses a cloudpickled lambda, saying it is code", () => {
    const bytes = read(version, "lambda.cloudpickle.pkl");
    expect(() => readPickle(bytes, { classes: TEST_CLASSES })).toThrow(ForbiddenGlobalError);
    expect(() => readPickle(bytes, { classes: TEST_CLASSES })).toThrow(/embeds Python code.*lambda/);
  });

  it("refuses the test estimator when its classes are not allowed, naming the class", () => {
    expect(() => readPickle(read(version, "estimator.p4.pkl"))).toThrow(
      /sklearn\.modelserve_pickle_test\.PickleTestEstimator, which is not on the allow-list/,
    );
  });
});

describe("opcodes Python 3 never writes, checked against what Python's unpickler returns", () => {
  const cases: Record<string, { hex: string; expected: unknown }> = expected(VERSIONS[0], "opcodes");

  it.each(Object.entries(cases))("%s", (_name, { hex, expected: value }) => {
    expect(tag(readPickle(Buffer.from(hex, "hex")))).toEqual(value);
  });
});
