import { describe, expect, it } from "vitest";
import {
  functionKey,
  functionKindOf,
  functionRef,
  modelKey,
  nameBasedId,
  newId,
  parseKey,
  parseRef,
  projectKey,
  runKey,
  runKindOf,
  taskKey,
  taskKindOf,
  taskRef,
} from "../../src/sdk/keys.js";
import { FUNCTION_KINDS } from "../../src/sdk/types.js";

describe("keys and references", () => {
  it("ids are uuid4 as 32 hex characters", () => {
    const ids = new Set(Array.from({ length: 100 }, newId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
  });

  it("name-based ids are stable, distinct per name, and laid out as UUID version 5", () => {
    const a = nameBasedId("store://p/function/sklearnserve/iris:1#sklearnserve+serve");
    expect(nameBasedId("store://p/function/sklearnserve/iris:1#sklearnserve+serve")).toBe(a);
    expect(nameBasedId("store://p/function/sklearnserve/iris:2#sklearnserve+serve")).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{12}5[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
  });

  it.each(FUNCTION_KINDS)("task and run kinds of %s", (kind) => {
    expect(taskKindOf(kind)).toBe(`${kind}+serve`);
    expect(runKindOf(kind)).toBe(`${kind}+serve:run`);
    expect(functionKindOf(runKindOf(kind))).toBe(kind);
    expect(functionKindOf(taskKindOf(kind))).toBe(kind);
  });

  it("builds the original's keys", () => {
    expect(projectKey("demo")).toBe("store://demo");
    expect(functionKey("demo", "sklearnserve", "iris", "abc")).toBe(
      "store://demo/function/sklearnserve/iris:abc",
    );
    expect(modelKey("demo", "sklearn", "iris", "abc")).toBe("store://demo/model/sklearn/iris:abc");
    expect(taskKey("demo", "kubeai-text+serve", "t1")).toBe("store://demo/task/kubeai-text+serve/t1");
    expect(runKey("demo", "mlflowserve+serve:run", "r1")).toBe("store://demo/run/mlflowserve+serve:run/r1");
  });

  it("builds reference strings", () => {
    expect(functionRef("sklearnserve", "demo", "iris", "abc")).toBe("sklearnserve://demo/iris:abc");
    expect(taskRef("sklearnserve+serve", "demo", "t1")).toBe("sklearnserve+serve://demo/t1");
  });

  it("parses keys back", () => {
    expect(parseKey("store://demo/function/sklearnserve/iris:abc")).toEqual({
      project: "demo",
      type: "function",
      kind: "sklearnserve",
      name: "iris",
      id: "abc",
    });
    expect(parseKey("store://demo/run/mlflowserve+serve:run/r1")).toEqual({
      project: "demo",
      type: "run",
      kind: "mlflowserve+serve:run",
      id: "r1",
    });
    expect(parseKey("store://demo/model/sklearn/iris:latest")?.id).toBe("latest");
    expect(parseKey("s3://bucket/key")).toBeUndefined();
    expect(parseKey("store://demo/function/sklearnserve/iris")).toBeUndefined();
  });

  it("parses references back", () => {
    expect(parseRef("kubeai-text://demo/llm:abc")).toEqual({
      kind: "kubeai-text",
      project: "demo",
      name: "llm",
      id: "abc",
    });
    expect(parseRef("sklearnserve+serve://demo/t1")).toEqual({
      kind: "sklearnserve+serve",
      project: "demo",
      name: "t1",
      id: undefined,
    });
    expect(parseRef("not a ref")).toBeUndefined();
  });
});
