import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DType, NDArray } from "../../src/pickle/values.js";
import type { Estimator, Input, Method } from "../../src/sklearn/estimator.js";
import "../../src/sklearn/index.js";
import { loadEstimator } from "../../src/sklearn/load.js";
import type { CoverageRow } from "./coverage.js";

/**
 * Fidelity harness: every fixture case made by fixtures/sklearn/gen_<group>.py with real scikit-learn is
 * loaded from each of its model files (pickle protocols, joblib), every recorded method is called on the
 * recorded input, and the outputs are compared with scikit-learn's: labels, ints, bools and strings exactly
 * (dtype included), floats within a relative tolerance of 1e-9 with a tiny absolute floor.
 */

export const FIXTURES = join(import.meta.dirname, "../../fixtures/sklearn");

/** Relative tolerance for floats; looser ones must be written in the case (`tolerance.reason`). */
export const RTOL = 1e-9;
/**
 * Absolute floor, relative to the largest magnitude in the expected output (at least 1): a value that is
 * zero up to rounding (a decision value on the boundary, a centred feature) has no meaningful relative error.
 */
export const ATOL = 1e-12;

interface EncodedArray {
  dtype: string;
  shape: number[];
  data: unknown[];
}

interface FixtureInput {
  kind: "array" | "table";
  dtype?: string;
  shape?: number[];
  data?: unknown[];
  names?: string[];
  columns?: unknown[][];
}

export interface FixtureCase {
  estimator: string;
  sklearn: string;
  numpy: string;
  input: FixtureInput;
  outputs: Record<string, EncodedArray>;
  note?: string;
  /** a looser float tolerance, only where scikit-learn itself computes in float32; `reason` says where */
  tolerance?: { rtol?: number; atol?: number; reason: string };
}

function parseDType(str: string): DType {
  const m = /^([<>|=])([a-zA-Z])(\d*)$/.exec(str);
  if (!m) throw new Error(`fixture dtype ${str} not understood`);
  const kind = m[2] as DType["kind"];
  const byteorder = (m[1] === "=" ? "<" : m[1]) as DType["byteorder"];
  return { kind, byteorder, itemsize: Number(m[3] || 8), str };
}

function decodeNumber(v: unknown): number {
  if (v === "nan" || v === null) return Number.NaN;
  if (v === "inf") return Number.POSITIVE_INFINITY;
  if (v === "-inf") return Number.NEGATIVE_INFINITY;
  if (typeof v === "boolean") return v ? 1 : 0;
  return v as number;
}

/** The NDArray scikit-learn received, rebuilt from the fixture's JSON. */
export function decodeArray(a: EncodedArray): NDArray {
  const dtype = parseDType(a.dtype);
  const { data } = a;
  let storage: NDArray["data"];
  switch (`${dtype.kind}${dtype.itemsize}`) {
    case "f8":
      storage = Float64Array.from(data, decodeNumber);
      break;
    case "f4":
      storage = Float32Array.from(data, decodeNumber);
      break;
    case "i8":
      storage = BigInt64Array.from(data, (v) => BigInt(v as number));
      break;
    case "i4":
      storage = Int32Array.from(data, decodeNumber);
      break;
    case "b1":
      storage = Uint8Array.from(data, decodeNumber);
      break;
    default:
      if (dtype.kind === "U" || dtype.kind === "O" || dtype.kind === "S") storage = [...data];
      else throw new Error(`fixture input dtype ${a.dtype} not handled by the harness`);
  }
  return { dtype, shape: a.shape, data: storage };
}

const NUMERIC_TOKENS = new Set(["nan", "inf", "-inf"]);

function decodeColumn(values: unknown[]): Float64Array | unknown[] {
  const numeric =
    values.some((v) => typeof v === "number") &&
    values.every((v) => typeof v === "number" || v === null || NUMERIC_TOKENS.has(v as string));
  return numeric ? Float64Array.from(values, decodeNumber) : values;
}

export function decodeInput(inp: FixtureInput): Input {
  if (inp.kind === "table") {
    const names = inp.names ?? [];
    const columns = (inp.columns ?? []).map((values, j) => ({
      name: names[j],
      values: decodeColumn(values),
    }));
    return { kind: "table", rows: inp.columns?.[0]?.length ?? 0, columns };
  }
  return decodeArray({ dtype: inp.dtype!, shape: inp.shape!, data: inp.data! });
}

const latin1 = new TextDecoder("latin1");

/** A value of our output as the fixture writes it (bytes as latin-1 text, numpy bools as true/false, NaN as "nan"). */
function plain(v: unknown, kind: string): unknown {
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Uint8Array) return latin1.decode(v);
  // a float NaN or ±inf in an object array: the fixture writes it as its token
  if (typeof v === "number" && !Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  if (kind === "b") return v === 1 || v === true;
  return v;
}

/**
 * Differences between our output and scikit-learn's, as readable lines (empty when equal).
 * Floats: |a − e| ≤ rtol·|e| or ≤ atol·max(1, max|e|); NaN equals NaN. Everything else: exactly, dtype included.
 */
export function compareOutput(
  actual: NDArray,
  expected: EncodedArray,
  tol: { rtol: number; atol: number } = { rtol: RTOL, atol: ATOL },
): string[] {
  const problems: string[] = [];
  if (actual.dtype.str !== expected.dtype) {
    problems.push(`dtype ${actual.dtype.str}, expected ${expected.dtype}`);
  }
  if (actual.shape.join(",") !== expected.shape.join(",")) {
    problems.push(`shape [${actual.shape}], expected [${expected.shape}]`);
    return problems;
  }
  const kind = expected.dtype.replace(/^[<>|=]/, "")[0];
  const got = Array.from(actual.data as ArrayLike<unknown>);
  if (kind === "f") {
    const exp = expected.data.map(decodeNumber);
    const scale = Math.max(1, ...exp.filter(Number.isFinite).map(Math.abs));
    let worst = 0;
    exp.forEach((e, i) => {
      const a = Number(got[i]);
      if (Number.isNaN(e) && Number.isNaN(a)) return;
      const diff = Math.abs(a - e);
      if (a === e || diff <= tol.rtol * Math.abs(e) || diff <= tol.atol * scale) return;
      worst = Math.max(worst, diff / Math.abs(e));
      if (problems.length < 5)
        problems.push(`[${i}] ${a} ≠ ${e} (relative error ${(diff / Math.abs(e)).toExponential(2)})`);
    });
    if (worst > 0) problems.push(`worst relative error ${worst.toExponential(2)}`);
  } else {
    expected.data.forEach((e, i) => {
      const a = plain(got[i], kind);
      if (a !== e && problems.length < 5) problems.push(`[${i}] ${JSON.stringify(a)} ≠ ${JSON.stringify(e)}`);
    });
  }
  return problems;
}

function versions(): string[] {
  return readdirSync(FIXTURES)
    .filter((d) => /^\d+\.\d+/.test(d))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

/** Model files written for a case: <case>.pkl, .p2.pkl, .p5.pkl, .joblib (and compressed joblib variants). */
function modelFiles(dir: string, caseName: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${caseName}.`) && !f.endsWith(".json"))
    .sort();
}

function shortName(cls: string): string {
  return cls.slice(cls.lastIndexOf(".") + 1);
}

/**
 * Declare the fidelity tests of one fixture group (fixtures/sklearn/<version>/<group>/) for every
 * scikit-learn version present. Each test attaches its coverage rows to its task meta, for the combined
 * table test/sklearn/coverage-reporter.ts prints.
 */
export function describeFidelity(group: string): void {
  describe(`scikit-learn fidelity: ${group}`, () => {
    const vs = versions().filter((v) => existsSync(join(FIXTURES, v, group)));
    it("has fixtures for this group", () => {
      expect(vs.length).toBeGreaterThan(0);
    });
    for (const version of vs) {
      const dir = join(FIXTURES, version, group);
      const cases = readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .map((f) => f.slice(0, -5))
        .sort();
      for (const caseName of cases) {
        const fixture = JSON.parse(readFileSync(join(dir, `${caseName}.json`), "utf8")) as FixtureCase;
        const files = modelFiles(dir, caseName);
        const tol = { rtol: fixture.tolerance?.rtol ?? RTOL, atol: fixture.tolerance?.atol ?? ATOL };
        it(`${version}/${caseName} has model files and reference outputs`, () => {
          expect(files.length).toBeGreaterThan(0);
          expect(Object.keys(fixture.outputs).length).toBeGreaterThan(0);
        });
        for (const file of files) {
          it(`${version}/${caseName} from ${file}`, async ({ task }) => {
            const rows: CoverageRow[] = [];
            task.meta.fidelity = rows;
            const record = (method: string, pass: boolean) =>
              rows.push({ estimator: shortName(fixture.estimator), version, method, file, pass });
            let estimator: Estimator;
            try {
              estimator = await loadEstimator(readFileSync(join(dir, file)));
            } catch (e) {
              for (const method of Object.keys(fixture.outputs)) record(method, false);
              throw e;
            }
            const X = decodeInput(fixture.input);
            const failures: string[] = [];
            for (const [method, expected] of Object.entries(fixture.outputs)) {
              let problems: string[];
              try {
                problems = compareOutput(estimator.call(method as Method, X), expected, tol);
              } catch (e) {
                problems = [`threw ${(e as Error).stack ?? e}`];
              }
              record(method, problems.length === 0);
              if (problems.length > 0) failures.push(`${method}:\n    ${problems.join("\n    ")}`);
            }
            expect(failures, failures.join("\n")).toEqual([]);
          });
        }
      }
    }
  });
}
