import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  AlreadyExistsError,
  closeStores,
  deleteProject,
  type Executor,
  type ExecutorContext,
  getOrCreateProject,
  getProject,
  InvalidTransitionError,
  listProjects,
  NotFoundError,
  type Project,
  type RunEntity,
  registerExecutor,
  resolveModelPath,
  type StatusUpdate,
  unregisterExecutor,
} from "../../src/index.js";
import { refusedAsync } from "./helpers.js";

const home = mkdtempSync(join(tmpdir(), "modelserve-sdk-"));
const opts = { home };
afterAll(() => {
  closeStores();
  rmSync(home, { recursive: true, force: true });
});

let counter = 0;
async function freshProject(): Promise<Project> {
  counter += 1;
  return getOrCreateProject(`p${counter}`, opts);
}

/** An executor that serves nothing but follows the contract, and records what it was asked. */
class RecordingExecutor implements Executor {
  calls: string[] = [];
  startAnswer: StatusUpdate = { state: "RUNNING", service: { url: "127.0.0.1:8080" } };
  failStart: Error | undefined;
  async start(run: RunEntity, _ctx: ExecutorContext): Promise<StatusUpdate> {
    this.calls.push(`start ${run.status.state}`);
    if (this.failStart) throw this.failStart;
    return this.startAnswer;
  }
  async refresh(run: RunEntity): Promise<StatusUpdate | undefined> {
    this.calls.push(`refresh ${run.status.state}`);
    return run.status.state === "PENDING"
      ? { state: "RUNNING", service: { url: "127.0.0.1:8080" } }
      : undefined;
  }
  async stop(run: RunEntity): Promise<StatusUpdate> {
    this.calls.push(`stop ${run.status.state}`);
    return { state: "STOPPED", service: null };
  }
  async resume(run: RunEntity): Promise<StatusUpdate> {
    this.calls.push(`resume ${run.status.state}`);
    return { state: "RUNNING", service: { url: "127.0.0.1:8081" } };
  }
  async delete(run: RunEntity): Promise<void> {
    this.calls.push(`delete ${run.status.state}`);
  }
  async logs(): Promise<{ source: string; content: string }[]> {
    return [{ source: "stdout", content: "hello" }];
  }
}

describe("projects", () => {
  it("getOrCreateProject creates once, then returns the same project", async () => {
    const a = await getOrCreateProject("shared", { ...opts, description: "demo" });
    const b = await getOrCreateProject("shared", opts);
    expect(a.entity).toEqual(b.entity);
    expect(a.entity).toMatchObject({ kind: "project", key: "store://shared", name: "shared", id: "shared" });
    expect(a.entity.spec.description).toBe("demo");
    expect((await listProjects(opts)).map((p) => p.name)).toContain("shared");
  });

  it("getProject and deleteProject say NOT_FOUND for unknown names", async () => {
    await expect(getProject("nope", opts)).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteProject("nope", opts)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses invalid project names", async () => {
    const issues = await refusedAsync(() => getOrCreateProject("bad name", opts));
    expect(issues[0].path).toBe("name");
  });

  it("deleteProject removes everything in it", async () => {
    const p = await getOrCreateProject("to-delete", opts);
    const fn = await p.newFunction({ name: "f", kind: "sklearnserve", path: "m.pkl" });
    unregisterExecutor("kubernetes");
    await fn.run({ action: "serve" });
    await deleteProject("to-delete", opts);
    await expect(getProject("to-delete", opts)).rejects.toBeInstanceOf(NotFoundError);
    const again = await getOrCreateProject("to-delete", opts);
    expect(await again.listFunctions()).toEqual([]);
    expect(await again.listRuns()).toEqual([]);
  });
});

describe("functions", () => {
  it("creates a function with the original's JSON shape", async () => {
    const p = await freshProject();
    const fn = await p.newFunction({
      name: "iris",
      kind: "sklearnserve",
      path: "./model.pkl",
      model_name: "iris",
      description: "an iris classifier",
      labels: ["demo"],
    });
    expect(fn.entity).toMatchObject({
      kind: "sklearnserve",
      name: "iris",
      project: p.name,
      key: `store://${p.name}/function/sklearnserve/iris:${fn.id}`,
      spec: { path: "./model.pkl", model_name: "iris" },
      status: { state: "CREATED" },
      metadata: {
        project: p.name,
        name: "iris",
        description: "an iris classifier",
        labels: ["demo"],
        version: fn.id,
      },
    });
    expect(fn.id).toMatch(/^[0-9a-f]{32}$/);
    expect(fn.ref).toBe(`sklearnserve://${p.name}/iris:${fn.id}`);
  });

  it("versions: the same name makes a new version, latest is the newest", async () => {
    const p = await freshProject();
    const v1 = await p.newFunction({ name: "m", kind: "mlflowserve", path: "./v1/" });
    const v2 = await p.newFunction({ name: "m", kind: "mlflowserve", path: "./v2/" });
    expect(v1.id).not.toBe(v2.id);
    expect((await p.getFunction("m")).id).toBe(v2.id);
    expect((await p.getFunction("m", { version: "latest" })).id).toBe(v2.id);
    expect((await p.getFunction("m", { version: v1.id })).spec).toEqual({ path: "./v1/" });
    expect((await p.listFunctions()).map((f) => f.id)).toEqual([v2.id]);
    expect((await p.listFunctions({ versions: "all" })).map((f) => f.id)).toEqual([v2.id, v1.id]);
    await expect(p.getFunction("m", { version: "0".repeat(32) })).rejects.toBeInstanceOf(NotFoundError);
    await expect(p.getFunction("other")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("accepts a given uuid once", async () => {
    const p = await freshProject();
    const uuid = "0123456789abcdef0123456789abcdef";
    const fn = await p.newFunction({ name: "f", kind: "sklearnserve", path: "m.pkl", uuid });
    expect(fn.id).toBe(uuid);
    await expect(
      p.newFunction({ name: "f", kind: "sklearnserve", path: "m.pkl", uuid }),
    ).rejects.toBeInstanceOf(AlreadyExistsError);
  });

  it("stores nothing when validation fails, and reports entity and spec problems together", async () => {
    const p = await freshProject();
    const issues = await refusedAsync(() =>
      p.newFunction({ name: "bad name", kind: "sklearnserve", path: "model.txt", modelname: "x" } as never),
    );
    expect(issues.map((i) => i.path).sort()).toEqual(["modelname", "name", "path"]);
    expect(issues.find((i) => i.path === "modelname")?.message).toContain('did you mean "model_name"');
    expect(await p.listFunctions({ versions: "all" })).toEqual([]);
  });

  const ENTITY_FIELDS: Array<[string, unknown[], unknown[]]> = [
    ["name", ["iris", "a.b_c+d-1", "x".repeat(256)], ["bad name", "", "x".repeat(257), "a/b", 3]],
    ["uuid", ["0123456789abcdef0123456789abcdef", "my-id"], ["a b", "", "a/b"]],
    ["description", ["an iris model", ""], [1, ["x"]]],
    ["labels", [["demo", "prod"], []], ["demo", [""], [1]]],
    ["embedded", [true, false], ["yes", 1]],
  ];
  for (const [field, good, bad] of ENTITY_FIELDS) {
    it(`entity field ${field}: accepts ${JSON.stringify(good).slice(0, 60)}`, async () => {
      const p = await freshProject();
      for (const value of good) {
        const fn = await p.newFunction({
          name: "f",
          kind: "sklearnserve",
          path: "m.pkl",
          [field]: value,
        } as never);
        if (field === "uuid") expect(fn.id).toBe(value);
        else if (field === "name") expect(fn.name).toBe(value);
        else expect(fn.entity.metadata).toMatchObject({ [field]: value });
      }
    });
    it(`entity field ${field}: refuses ${JSON.stringify(bad).slice(0, 60)}`, async () => {
      const p = await freshProject();
      for (const value of bad) {
        const base = { name: "f", kind: "sklearnserve", path: "m.pkl" };
        const issues = await refusedAsync(() => p.newFunction({ ...base, [field]: value } as never));
        expect(issues.map((i) => i.path)[0]).toMatch(new RegExp(`^${field}`));
      }
      expect(await p.listFunctions({ versions: "all" })).toEqual([]);
    });
  }

  it("refuses an unknown kind with a hint", async () => {
    const p = await freshProject();
    const [issue] = await refusedAsync(() => p.newFunction({ name: "f", kind: "sklearn-serve" } as never));
    expect(issue).toMatchObject({
      path: "kind",
      given: "sklearn-serve",
      message: expect.stringContaining('"sklearnserve"'),
    });
  });

  it("refuses `project` in the spec (the project is the one you call)", async () => {
    const p = await freshProject();
    const [issue] = await refusedAsync(() =>
      p.newFunction({ name: "f", kind: "sklearnserve", path: "m.pkl", project: "x" } as never),
    );
    expect(issue.path).toBe("project");
  });
});

describe("fn.run", () => {
  beforeEach(() => unregisterExecutor("kubernetes"));

  it("creates the task once and a run CREATED → BUILT with the merged spec", async () => {
    const p = await freshProject();
    const fn = await p.newFunction({ name: "iris", kind: "sklearnserve", path: "m.pkl", model_name: "iris" });
    const task = await fn.newTask({ replicas: 2, profile: "small" });
    const run = await fn.run({ action: "serve", replicas: 3, resources: { cpu: "1" } });
    expect(run.state).toBe("BUILT");
    expect(run.kind).toBe("sklearnserve+serve:run");
    expect(run.key).toBe(`store://${p.name}/run/sklearnserve+serve:run/${run.id}`);
    expect(run.spec).toEqual({
      task: `sklearnserve+serve://${p.name}/${task.id}`,
      function: fn.ref,
      local_execution: false,
      path: "m.pkl",
      model_name: "iris",
      replicas: 3,
      profile: "small",
      service_type: "NodePort",
      resources: { cpu: "1" },
    });
    expect(run.entity.metadata.relationships).toEqual([{ type: "run_of", dest: fn.key }]);
    expect(run.status.transitions?.map((t) => t.status)).toEqual(["BUILT"]);
    expect(run.status.message).toContain('no "kubernetes" executor');

    const second = await fn.run({ action: "serve" });
    expect(second.spec.task).toBe(run.spec.task);
    expect(second.spec.replicas).toBe(2);
    await expect(fn.newTask()).rejects.toBeInstanceOf(AlreadyExistsError);
  });

  it("concurrent first runs of a function share one task", async () => {
    const p = await freshProject();
    const fn = await p.newFunction({ name: "f", kind: "sklearnserve", path: "m.pkl" });
    const runs = await Promise.all([1, 2, 3].map(() => fn.run({ action: "serve" })));
    expect(new Set(runs.map((r) => r.spec.task)).size).toBe(1);
    expect(runs[0].spec.task).toBe(`sklearnserve+serve://${p.name}/${(await fn.getTask())?.id}`);
  });

  it("run fields override function fields", async () => {
    const p = await freshProject();
    const fn = await p.newFunction({ name: "f", kind: "huggingfaceserve", path: "./bert", model_name: "a" });
    const run = await fn.run({ action: "serve", path: "hf://org/bert", model_name: "b", dtype: "FLOAT16" });
    expect(run.spec).toMatchObject({ path: "hf://org/bert", model_name: "b", dtype: "FLOAT16" });
    expect(fn.spec).toEqual({ path: "./bert", model_name: "a" });
  });

  it("refuses bad run fields and stores neither task nor run", async () => {
    const p = await freshProject();
    const fn = await p.newFunction({ name: "f", kind: "sklearnserve" });
    const issues = await refusedAsync(() => fn.run({ action: "serve", replicas: 0 }));
    expect(issues.map((i) => i.path).sort()).toEqual(["path", "replicas"]);
    expect(await fn.getTask()).toBeUndefined();
    expect(await p.listRuns()).toEqual([]);
  });

  it("refuses unknown actions", async () => {
    const p = await freshProject();
    const fn = await p.newFunction({ name: "f", kind: "sklearnserve", path: "m.pkl" });
    const [issue] = await refusedAsync(() => fn.run({ action: "build" } as never));
    expect(issue).toMatchObject({ path: "action", given: "build", allowed: '"serve"' });
  });

  it("lists runs by state and by function", async () => {
    const p = await freshProject();
    const a = await p.newFunction({ name: "a", kind: "sklearnserve", path: "a.pkl" });
    const b = await p.newFunction({ name: "b", kind: "mlflowserve", path: "./b/" });
    const ra = await a.run({ action: "serve" });
    const rb = await b.run({ action: "serve" });
    expect((await p.listRuns()).map((r) => r.id)).toEqual([rb.id, ra.id]);
    expect((await p.listRuns({ function: "a" })).map((r) => r.id)).toEqual([ra.id]);
    expect((await p.listRuns({ state: "BUILT" })).length).toBe(2);
    expect((await p.listRuns({ state: "RUNNING" })).length).toBe(0);
    expect((await a.listRuns()).map((r) => r.id)).toEqual([ra.id]);
    expect((await p.getRun(rb.id)).entity).toEqual(rb.entity);
    await expect(p.getRun("nope")).rejects.toBeInstanceOf(NotFoundError);
    await expect(p.listRuns({ state: "running" as never })).rejects.toMatchObject({ code: "SPEC_INVALID" });
  });

  it("a run without executor cannot start, and says why", async () => {
    const p = await freshProject();
    const fn = await p.newFunction({ name: "f", kind: "sklearnserve", path: "m.pkl" });
    const run = await fn.run({ action: "serve" });
    await expect(run.start()).rejects.toMatchObject({
      code: "EXECUTION_FAILED",
      message: expect.stringContaining("kubernetes"),
    });
    expect((await run.refresh()).state).toBe("BUILT");
    await expect(run.stop()).rejects.toBeInstanceOf(InvalidTransitionError);
    await run.delete();
    await expect(p.getRun(run.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("runs with an executor", () => {
  it("dispatches to the slot of local_execution and records every transition", async () => {
    const kube = new RecordingExecutor();
    const local = new RecordingExecutor();
    local.startAnswer = { state: "PENDING", message: "starting" };
    registerExecutor("kubernetes", kube);
    registerExecutor("local", local);
    const p = await freshProject();
    const fn = await p.newFunction({ name: "f", kind: "sklearnserve", path: "m.pkl" });

    const remote = await fn.run({ action: "serve" });
    expect(kube.calls).toEqual(["start READY"]);
    expect(remote.state).toBe("RUNNING");
    expect(remote.status.service).toEqual({ url: "127.0.0.1:8080" });

    const run = await fn.run({ action: "serve", local_execution: true });
    expect(local.calls).toEqual(["start READY"]);
    expect(run.state).toBe("PENDING");
    await run.refresh();
    expect(run.state).toBe("RUNNING");
    await run.stop();
    expect(run.state).toBe("STOPPED");
    expect(run.status.service).toBeUndefined();
    await expect(run.stop()).rejects.toBeInstanceOf(InvalidTransitionError);
    await run.resume();
    expect(run.status.service).toEqual({ url: "127.0.0.1:8081" });
    expect(await run.logs()).toEqual([{ source: "stdout", content: "hello" }]);
    expect(run.status.transitions?.map((t) => t.status)).toEqual([
      "RUNNING",
      "RESUME",
      "STOPPED",
      "STOP",
      "RUNNING",
      "PENDING",
      "READY",
      "BUILT",
    ]);
    // a second process (here: a second handle) sees the same history
    expect((await p.getRun(run.id)).status).toEqual(run.status);
    await run.delete();
    expect(local.calls.at(-1)).toBe("delete DELETING");
    expect(run.state).toBe("DELETED");
    await expect(p.getRun(run.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("an executor failure puts the run in ERROR with its message and is rethrown", async () => {
    const kube = new RecordingExecutor();
    kube.failStart = new Error("cluster unreachable");
    registerExecutor("kubernetes", kube);
    const p = await freshProject();
    const fn = await p.newFunction({ name: "f", kind: "sklearnserve", path: "m.pkl" });
    await expect(fn.run({ action: "serve" })).rejects.toMatchObject({
      code: "EXECUTION_FAILED",
      message: expect.stringContaining("cluster unreachable"),
    });
    const [run] = await p.listRuns();
    expect(run.state).toBe("ERROR");
    expect(run.status.message).toBe("cluster unreachable");
    await expect(run.wait()).rejects.toMatchObject({ code: "EXECUTION_FAILED" });
  });

  it("a failure to refresh leaves the run as it was", async () => {
    const kube = new RecordingExecutor();
    kube.refresh = async () => {
      throw new Error("connection refused");
    };
    registerExecutor("kubernetes", kube);
    const p = await freshProject();
    const fn = await p.newFunction({ name: "f", kind: "sklearnserve", path: "m.pkl" });
    const run = await fn.run({ action: "serve" });
    await expect(run.refresh()).rejects.toThrow("connection refused");
    expect((await p.getRun(run.id)).state).toBe("RUNNING");
  });

  it("executors report later changes through their context", async () => {
    let report: ((u: StatusUpdate) => Promise<RunEntity>) | undefined;
    const kube = new RecordingExecutor();
    kube.start = async (_run: RunEntity, ctx: ExecutorContext) => {
      report = ctx.update;
      return { state: "PENDING" };
    };
    registerExecutor("kubernetes", kube);
    const p = await freshProject();
    const fn = await p.newFunction({ name: "f", kind: "mlflowserve", path: "./m/" });
    const run = await fn.run({ action: "serve" });
    const stored = await report!({
      state: "RUNNING",
      service: { url: "svc:8080" },
      extra: { k8s: { pods: [] } },
    });
    expect(stored.status).toMatchObject({
      state: "RUNNING",
      service: { url: "svc:8080" },
      k8s: { pods: [] },
    });
    await expect(report!({ state: "BUILT" })).rejects.toBeInstanceOf(InvalidTransitionError);
    expect((await run.wait({ intervalMs: 1 })).state).toBe("RUNNING");
  });
});

describe("run.invoke", () => {
  it("calls the V2 infer URL of the run's service, with the function's model name", async () => {
    const seen: Array<{ method?: string; url?: string; type?: string; body: string }> = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => {
        body += chunk;
      });
      req.on("end", () => {
        seen.push({ method: req.method, url: req.url, type: req.headers["content-type"], body });
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ ok: true }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      const kube = new RecordingExecutor();
      kube.startAnswer = { state: "RUNNING", service: { url } };
      registerExecutor("kubernetes", kube);
      const p = await freshProject();
      const fn = await p.newFunction({ name: "f", kind: "sklearnserve", path: "m.pkl", model_name: "iris" });
      const run = await fn.run({ action: "serve" });
      const response = await run.invoke({ json: { inputs: [] } });
      expect(await response.json()).toEqual({ ok: true });
      await run.invoke({ model_name: "other", json: {} });
      await run.invoke({ url: `http://${url}/v2/health/ready` });
      expect(seen).toEqual([
        { method: "POST", url: "/v2/models/iris/infer", type: "application/json", body: '{"inputs":[]}' },
        { method: "POST", url: "/v2/models/other/infer", type: "application/json", body: "{}" },
        { method: "GET", url: "/v2/health/ready", type: undefined, body: "" },
      ]);
      await expect(run.invoke({ url: "http://elsewhere:1/x" })).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
    } finally {
      server.close();
    }
  });

  it("says SERVICE_UNAVAILABLE before the service is up", async () => {
    unregisterExecutor("kubernetes");
    const p = await freshProject();
    const fn = await p.newFunction({ name: "f", kind: "sklearnserve", path: "m.pkl" });
    const run = await fn.run({ action: "serve" });
    await expect(run.invoke({ json: {} })).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
  });
});

describe("models", () => {
  it("logModel versions models and store:// keys resolve to their path", async () => {
    const p = await freshProject();
    const m1 = await p.logModel({ name: "iris", kind: "sklearn", path: "./iris.pkl", framework: "sklearn" });
    const m2 = await p.logModel({ name: "iris", kind: "sklearn", path: "s3://bucket/iris.pkl" });
    expect(m1.key).toBe(`store://${p.name}/model/sklearn/iris:${m1.id}`);
    expect(m1.spec.path).toBe(join(process.cwd(), "iris.pkl"));
    expect(await resolveModelPath(m1.key, opts)).toBe(m1.spec.path);
    expect(await resolveModelPath(`store://${p.name}/model/sklearn/iris:latest`, opts)).toBe(
      "s3://bucket/iris.pkl",
    );
    expect(await resolveModelPath(`store://${p.name}/model/sklearn/iris`, opts)).toBe("s3://bucket/iris.pkl");
    await expect(
      resolveModelPath(`store://${p.name}/model/mlflow/iris:${m2.id}`, opts),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect((await p.listModels()).map((m) => m.id)).toEqual([m2.id]);
    const [issue] = await refusedAsync(() => p.logModel({ name: "x", kind: "onnx" as never, path: "m" }));
    expect(issue.path).toBe("kind");
  });
});
