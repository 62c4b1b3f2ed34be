import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ErrorCodes, ModelserveError } from "../../src/errors.js";
import { loadEstimator } from "../../src/sklearn/load.js";
import { compareOutput, decodeInput, FIXTURES } from "./harness.js";

/**
 * FunctionTransformer(partial(check_array, **keywords)) pickled by scikit-learn 1.2, 1.5 and 1.9
 * (fixtures/sklearn/gen_check_array.py): every probe gives scikit-learn's output, or is refused with a 400
 * about the same problem scikit-learn raised; keywords we do not model refuse to load, naming the keyword.
 */

interface Probe {
  probe: string;
  input: Parameters<typeof decodeInput>[0];
  output?: Parameters<typeof compareOutput>[1];
  error?: string;
}

interface CheckArrayCase {
  sklearn: string;
  keywords: Record<string, string>;
  load: "ok" | "unsupported";
  refused?: string;
  probes: Probe[];
}

/** The phrases scikit-learn's refusals turn on; ours must name the same one. */
const PROBLEMS = ["NaN", "infinity", "minimum of 2", "minimum of 3", "negative", "bytes/strings"];

function problemOf(sklearnError: string): string {
  const found = PROBLEMS.find((p) => sklearnError.toLowerCase().includes(p.toLowerCase()));
  if (found === undefined) throw new Error(`no known problem in scikit-learn's error: ${sklearnError}`);
  return found;
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
  const dir = join(FIXTURES, version, "check_array");
  describe(`FunctionTransformer(partial(check_array)) from scikit-learn ${version}`, () => {
    const names = readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.slice(0, -5));
    it("has cases", () => expect(names.length).toBeGreaterThan(8));
    for (const name of names) {
      const c = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as CheckArrayCase;
      const bytes = readFileSync(join(dir, `${name}.pkl`));
      if (c.load === "unsupported") {
        it(`${name}: refuses to load, naming ${c.refused}`, () => {
          const e = errorOf(() => loadEstimator(bytes));
          expect(e.code).toBe(ErrorCodes.MODEL_UNSUPPORTED);
          expect(e.message).toContain(c.refused);
        });
        continue;
      }
      for (const p of c.probes) {
        const what = p.error === undefined ? "as scikit-learn" : `refused: ${problemOf(p.error)}`;
        it(`${name} on ${p.probe}: ${what}`, () => {
          const est = loadEstimator(bytes);
          const X = decodeInput(p.input);
          if (p.output !== undefined) {
            expect(compareOutput(est.call("transform", X), p.output)).toEqual([]);
            return;
          }
          const e = errorOf(() => est.call("transform", X));
          expect(e.code).toBe(ErrorCodes.BAD_REQUEST);
          expect(e.message.toLowerCase()).toContain(problemOf(p.error!).toLowerCase());
        });
      }
    }
  });
}
