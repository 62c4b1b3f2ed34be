import { describe, expect, it } from "vitest";
import { parseInferPath } from "../../src/server/rest/infer-route.js";
import { seededRandom } from "../seeded-random.js";

/**
 * The inference route's URL scanner against the regular expression it replaced, which stays here as its
 * definition: for every URL both must agree on whether it is an inference and on the raw segments.
 */

const DEFINITION = /^\/v2\/models\/([^/?#]+)(?:\/versions\/([^/?#]+))?\/infer\/?(?:\?.*)?$/;

function byDefinition(url: string): { model: string; version: string | undefined } | undefined {
  const match = DEFINITION.exec(url);
  return match === null ? undefined : { model: match[1], version: match[2] };
}

const CASES = [
  "/v2/models/m/infer",
  "/v2/models/m/infer/",
  "/v2/models/m/infer?x=1",
  "/v2/models/m/infer/?x=1&y=/z",
  "/v2/models/m/infer?",
  "/v2/models/m/infer?a\nb",
  "/v2/models/m/infer?a\u2028b",
  "/v2/models/m/infer#frag",
  "/v2/models/m/infer//",
  "/v2/models/m/inference",
  "/v2/models/m/versions/3/infer",
  "/v2/models/m/versions/3/infer/",
  "/v2/models/m/versions/3/infer?q",
  "/v2/models/m/versions//infer",
  "/v2/models/m/versions/infer",
  "/v2/models/versions/infer",
  "/v2/models/versions/versions/v/infer",
  "/v2/models/m/versions/3/ready",
  "/v2/models//infer",
  "/v2/models/infer",
  "/v2/models/a%2Fb/infer",
  "/v2/models/a?b/infer",
  "/v2/models/a#b/infer",
  "/v2/models/ü/versions/é/infer",
  "/v2/models/m/versions/3/x/infer",
  "/V2/models/m/infer",
  "/v2/models/m/INFER",
  "v2/models/m/infer",
  "/v2/models/m",
  "",
];

describe("parseInferPath", () => {
  it.each(CASES)("agrees with the route's regular expression on %j", (url) => {
    expect(parseInferPath(url)).toEqual(byDefinition(url));
  });

  it("agrees with it on random URLs made of the route's pieces", () => {
    const { int, pick } = seededRandom(20261204);
    const pieces = [
      "/",
      "v2",
      "models",
      "versions",
      "infer",
      "m",
      "7",
      "?",
      "#",
      "%2F",
      "q=1",
      "\n",
      "ü",
      "",
    ];
    const some = () => {
      let text = "";
      for (let i = int(4); i >= 0; i--) text += pick(pieces);
      return text;
    };
    let inferences = 0;
    for (let n = 0; n < 20_000; n++) {
      const url =
        pick(["/v2/models/", "/v2/models", "/v2/", ""]) +
        some() +
        pick(["", "/versions/", "/versions"]) +
        pick(["", some()]) +
        pick(["/infer", "/infer/", "infer", ""]) +
        pick(["", some()]);
      const expected = byDefinition(url);
      if (expected !== undefined) inferences++;
      expect(parseInferPath(url), url).toEqual(expected);
    }
    // the corpus must reach the interesting side too
    expect(inferences).toBeGreaterThan(100);
  });
});
