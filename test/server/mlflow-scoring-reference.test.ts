import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSchema } from "../../src/mlflow/signature.js";
import type { ServerHandle } from "../../src/server/index.js";
import { pythonFloatRepr } from "../../src/server/rest/mlflow/python-float.js";
import { startTestServer } from "./harness.js";
import { describeInput, ECHO_IMPLEMENTATION, echoRuntimes } from "./mlflow-scoring-echo.js";

/**
 * Every request of mlflow-scoring/reference.json, recorded from mlflow's own scoring server
 * (mlflow-scoring/make_reference.py) with a model answering its input, sent to our /invocations with
 * the same kind of model: the input must decode to the same kinds, dtypes and values as pandas/numpy
 * made of it, and the response must be the same bytes (200) or the same error (status, error_code,
 * classification, message). Cases with a `schema` are parsed as for a model with that signature.
 */

interface ReferenceCase {
  name: string;
  /** the model's input schema, as MLmodel stores it (absent: a model without signature) */
  schema?: string;
  content_type: string;
  request: string;
  status: number;
  response_content_type: string;
  body: string;
  decoded?: unknown;
  params?: unknown;
}

const reference = JSON.parse(
  readFileSync(new URL("mlflow-scoring/reference.json", import.meta.url), "utf8"),
) as { cases: ReferenceCase[]; float_reprs: [number, string][] };

/** Messages where ours says more than mlflow's (which prints Python sets or repr()s): the common start. */
function firstSentence(message: string): string {
  const cut = message.search(/(\. |: |\{|\[)/);
  return cut < 0 ? message : message.slice(0, cut);
}

/**
 * pandas tells a column of strings read as `object` (read_csv with dtype=object) from one inferred as `str`
 * (pandas 3); a Frame holds both as an object array of strings, which the enforcement treats alike.
 */
function objectStringsAsStr(decoded: unknown): unknown {
  const frame = decoded as { kind?: string; columns?: { dtype: string; values: unknown[] }[] } | undefined;
  if (frame?.kind !== "frame") return decoded;
  return {
    ...frame,
    columns: frame.columns!.map((c) =>
      c.dtype === "object" && c.values.length > 0 && c.values.every((v) => typeof v === "string")
        ? { ...c, dtype: "str" }
        : c,
    ),
  };
}

describe("/invocations decodes and answers as mlflow's scoring server (reference.json)", () => {
  const { runtimes, models } = echoRuntimes();
  let server: ServerHandle;

  beforeAll(async () => {
    server = await startTestServer([{ name: "echo", implementation: ECHO_IMPLEMENTATION }], {}, { runtimes });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("covers every input format, CSV and the errors", () => {
    expect(reference.cases.length).toBeGreaterThan(60);
  });

  for (const c of reference.cases) {
    it(`${c.name} (${c.status})`, async () => {
      const echo = models.get("echo")!;
      echo.last = undefined;
      echo.signature = c.schema === undefined ? undefined : { inputs: parseSchema(c.schema, "schema") };
      const res = await fetch(`${server.httpUrl}/invocations`, {
        method: "POST",
        headers: { "content-type": c.content_type },
        body: c.request,
      });
      const text = await res.text();
      expect(res.status).toBe(c.status);
      if (c.status === 200) {
        expect(res.headers.get("content-type")).toBe(c.response_content_type);
        expect(describeInput(echo.last!.input)).toEqual(objectStringsAsStr(c.decoded));
        expect(echo.last!.params ?? null).toEqual(c.params);
        expect(text).toBe(c.body);
        return;
      }
      expect(echo.last).toBeUndefined();
      if (c.status === 415) {
        expect(res.headers.get("content-type")).toMatch(new RegExp(`^${c.response_content_type}`));
        expect(firstSentence(text)).toBe(firstSentence(c.body));
        return;
      }
      const ours = JSON.parse(text);
      const theirs = JSON.parse(c.body);
      expect({ ...ours, message: firstSentence(ours.message) }).toEqual({
        error_code: theirs.error_code,
        message: firstSentence(theirs.message),
        sqlstate: theirs.sqlstate,
        error_class: theirs.error_class,
      });
    });
  }
});

describe("floats are written as Python's repr() writes them (reference.json float_reprs)", () => {
  it(`every magnitude from 1e-320 to 1e308, float32 values, integers (${reference.float_reprs.length} values)`, () => {
    expect(reference.float_reprs.length).toBeGreaterThan(500);
    const wrong = reference.float_reprs.filter(([x, repr]) => pythonFloatRepr(x) !== repr);
    expect(wrong.map(([x, repr]) => `${repr} written as ${pythonFloatRepr(x)}`)).toEqual([]);
  });
});
