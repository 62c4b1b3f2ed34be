import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ErrorCodes, ModelserveError } from "../../src/errors.js";
import { loadEstimator } from "../../src/sklearn/load.js";
import { compareOutput, decodeInput, FIXTURES } from "./harness.js";

/**
 * FunctionTransformer's input validation, pickled by scikit-learn 1.2, 1.5 and 1.9
 * (fixtures/sklearn/gen_function_transformer.py): partial(check_array, **keywords) as its func, and
 * validate=True/False around an elementwise func. Every probe gives scikit-learn's output, or is refused
 * with a 400 about the same problem scikit-learn raised; check_array keywords we do not model refuse to
 * load, naming the keyword.
 */

interface Probe {
  probe: string;
  input: Parameters<typeof decodeInput>[0];
  output?: Parameters<typeof compareOutput>[1];
  error?: string;
}

interface CheckArrayCase {
  sklearn: string;
  transformer: string;
  load: "ok" | "unsupported";
  refused?: string;
  probes: Probe[];
}

/** The problems scikit-learn's refusals name: its phrase, and how ours names the same problem. */
const PROBLEMS: [sklearn: string, ours: RegExp][] = [
  ["NaN", /NaN/],
  ["infinity", /infinity/],
  ["minimum of 2", /minimum of 2/],
  ["minimum of 3", /minimum of 3/],
  ["Negative", /negative/i],
  ["bytes/strings", /bytes\/strings|needs numeric input/],
  ["expecting 3 features", /expecting 3 features/],
];

function problemOf(sklearnError: string): [string, RegExp] {
  const found = PROBLEMS.find(([phrase]) => sklearnError.includes(phrase));
  if (found === undefined) throw new Error(`no known problem in scikit-learn's error: ${sklearnError}`);
  return found;
}

const NON_FINITE: Record<string, number> = {
  nan: Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  "-inf": -Infinity,
};

/**
 * A probe's input. The fixture writes a float NaN or inf inside an object array as the string "nan" / "inf"
 * (JSON has no such numbers); the generator puts no such words in its strings, so they are read back as floats.
 */
function probeInput(input: Probe["input"]): ReturnType<typeof decodeInput> {
  if (input.kind !== "array" || input.dtype !== "|O") return decodeInput(input);
  const data = input.data?.map((v) => (typeof v === "string" && v in NON_FINITE ? NON_FINITE[v] : v));
  return decodeInput({ ...input, data });
}

function errorOf(run: () => unknown): ModelserveError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelserveError);
    return e as ModelserveError;
  }
  throw new Error("expected a refusal, got a result");
}

const versions = readdirSync(FIXTURES).filter((d) => /^\d+\.\d+/.test(d));

for (const version of versions) {
  const dir = join(FIXTURES, version, "function_transformer");
  describe(`FunctionTransformer validation from scikit-learn ${version}`, () => {
    const names = readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.slice(0, -5));
    it("has cases", () => expect(names.length).toBeGreaterThan(10));
    for (const name of names) {
      const c = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as CheckArrayCase;
      const bytes = readFileSync(join(dir, `${name}.pkl`));
      if (c.load === "unsupported") {
        it(`${name} (${c.transformer}): refuses to load, naming ${c.refused}`, () => {
          const e = errorOf(() => loadEstimator(bytes));
          expect(e.code).toBe(ErrorCodes.MODEL_UNSUPPORTED);
          expect(e.message).toContain(c.refused);
        });
        continue;
      }
      for (const p of c.probes) {
        const what = p.error === undefined ? "as scikit-learn" : `refused: ${problemOf(p.error)[0]}`;
        it(`${name} on ${p.probe}: ${what}`, () => {
          const est = loadEstimator(bytes);
          const X = probeInput(p.input);
          if (p.output !== undefined) {
            expect(compareOutput(est.call("transform", X), p.output)).toEqual([]);
            return;
          }
          const e = errorOf(() => est.call("transform", X));
          expect(e.code).toBe(ErrorCodes.BAD_REQUEST);
          expect(e.message).toMatch(problemOf(p.error!)[1]);
        });
      }
    }
  });
}
