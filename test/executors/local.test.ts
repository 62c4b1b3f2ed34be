import { copyFile, mkdtemp, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeStores, getOrCreateProject, type Project, type Run } from "../../src/index.js";

const IRIS = new URL("../../examples/iris/model.pkl", import.meta.url);
const MLFLOW_IRIS = new URL("../../fixtures/mlflow/models/sklearn_iris_strings.zip", import.meta.url);
const COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width"];
const ROWS = [
  [5.1, 3.5, 1.4, 0.2],
  [7.0, 3.2, 4.7, 1.4],
  [6.3, 3.3, 6.0, 2.5],
];

function v2Request(rows: number[][]) {
  return {
    inputs: [{ name: "input-0", shape: [rows.length, rows[0].length], datatype: "FP64", data: rows.flat() }],
  };
}

/** The documented local workflow, end to end: detached server process, real HTTP, real model file. */
describe("local execution", () => {
  let home: string;
  let cwd: string;
  let project: Project;
  const runs: Run[] = [];

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), "ms-local-home-"));
    cwd = await mkdtemp(join(tmpdir(), "ms-local-cwd-"));
    await copyFile(IRIS, join(cwd, "model.pkl"));
    await copyFile(MLFLOW_IRIS, join(cwd, "mlflow-iris.zip"));
    await writeFile(join(cwd, "broken.pkl"), Buffer.from("this is not a pickle"));
    process.chdir(cwd);
    project = await getOrCreateProject("demo", { home });
  });

  afterAll(async () => {
    for (const run of runs) {
      await run.refresh().catch(() => undefined);
      if (run.state === "RUNNING" || run.state === "PENDING") await run.stop().catch(() => undefined);
    }
    closeStores();
  });

  async function serve(path: string, name = "iris"): Promise<Run> {
    const fn = await project.newFunction({ name, kind: "sklearnserve", path, model_name: name });
    const run = await fn.run({ action: "serve", local_execution: true });
    runs.push(run);
    return run;
  }

  it("serves, invokes, stops and resumes a scikit-learn model", async () => {
    const run = await serve("./model.pkl");
    expect(run.state).toBe("PENDING");
    await expect(run.invoke({ json: v2Request(ROWS) })).rejects.toThrow(/no service yet \(state PENDING\)/);
    await run.wait({ timeoutMs: 60_000, intervalMs: 100 });
    expect(run.state).toBe("RUNNING");
    const service = run.status.service!;
    expect(service.url).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(service.ports?.map((p) => p.name)).toEqual(["http", "grpc"]);
    expect(run.status.inference_v2?.inferenceUrl).toBe(`http://${service.url}/v2/models/iris/infer`);
    expect(run.status.transitions?.map((t) => t.status).slice(0, 4)).toEqual([
      "RUNNING",
      "PENDING",
      "READY",
      "BUILT",
    ]);

    const res = await run.invoke({ json: v2Request(ROWS), timeoutMs: 30_000 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { model_name: string; outputs: { name: string; data: unknown[] }[] };
    expect(body.model_name).toBe("iris");
    expect(body.outputs[0].data).toEqual(["setosa", "versicolor", "virginica"]);

    // another process's view: a fresh project object over the same store sees the same running run
    const seen = await (await getOrCreateProject("demo", { home })).getRun(run.id);
    await seen.refresh();
    expect(seen.state).toBe("RUNNING");

    await run.stop();
    expect(run.state).toBe("STOPPED");
    expect(run.status.service).toBeUndefined();
    await expect(run.stop()).rejects.toThrow(/STOPPED/);
    await expect(run.invoke({ json: v2Request(ROWS) })).rejects.toThrow(/no service/);

    await run.resume();
    await run.wait({ timeoutMs: 60_000, intervalMs: 100 });
    const again = await run.invoke({ json: v2Request(ROWS.slice(0, 1)) });
    expect(((await again.json()) as { outputs: { data: unknown[] }[] }).outputs[0].data).toEqual(["setosa"]);
    expect((await run.logs()).length).toBeGreaterThan(0);
    await run.stop();
  });

  it("serves a zipped MLflow model over V2 and MLflow's /invocations", async () => {
    const fn = await project.newFunction({
      name: "mlflow-iris",
      kind: "mlflowserve",
      path: "./mlflow-iris.zip",
      model_name: "iris",
    });
    const run = await fn.run({ action: "serve", local_execution: true });
    runs.push(run);
    await run.wait({ timeoutMs: 60_000, intervalMs: 100 });
    const columns = COLUMNS.map((name, j) => ({
      name,
      shape: [ROWS.length, 1],
      datatype: "FP64",
      data: ROWS.map((r) => r[j]),
    }));
    const v2 = await run.invoke({ json: { parameters: { content_type: "pd" }, inputs: columns } });
    expect(v2.status).toBe(200);
    const outputs = ((await v2.json()) as { outputs: { name: string; data: unknown[] }[] }).outputs;
    expect(outputs[0]).toMatchObject({ name: "output-1", data: ["setosa", "versicolor", "virginica"] });

    const url = `http://${run.status.service!.url}/invocations`;
    const scored = await run.invoke({
      url,
      json: {
        dataframe_split: { columns: COLUMNS, data: ROWS },
        params: { predict_method: "predict_proba" },
      },
    });
    expect(scored.status).toBe(200);
    const proba = ((await scored.json()) as { predictions: number[][] }).predictions;
    expect(proba.map((p) => p.indexOf(Math.max(...p)))).toEqual([0, 1, 2]);
    // a column the signature requires is missing: mlflow's 400, naming it
    const missing = await run.invoke({ url, json: { dataframe_records: [{ sepal_length: 5.1 }] } });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { message: string }).message).toMatch(/sepal_width/);
    await run.stop();
  });

  it("turns a model that cannot load into ERROR with the loader's message, leaving no process", async () => {
    const run = await serve("./broken.pkl", "broken");
    await expect(run.wait({ timeoutMs: 60_000, intervalMs: 100 })).rejects.toThrow(/ERROR/);
    expect(run.state).toBe("ERROR");
    expect(run.status.message).toMatch(/exited with code 1/);
    expect(run.status.message).toMatch(/failed to load/);
  });

  it("refuses a missing model file before starting anything", async () => {
    await expect(serve("./missing.pkl", "missing")).rejects.toThrow(/model not found/);
  });

  it("sees a server killed with SIGKILL as ERROR naming the signal", async () => {
    const run = await serve("./model.pkl", "killed");
    await run.wait({ timeoutMs: 60_000, intervalMs: 100 });
    const pid = Number(
      (await import("node:fs"))
        .readFileSync(join(home, "runs", run.id, "processes.json"), "utf8")
        .match(/"server":\{"pid":(\d+)/)![1],
    );
    process.kill(pid, "SIGKILL");
    for (let i = 0; i < 100 && run.state === "RUNNING"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await run.refresh();
    }
    expect(run.state).toBe("ERROR");
    expect(run.status.message).toMatch(/killed by SIGKILL/);
  });

  it("marks a run whose server was seen before a machine restart as ERROR saying so", async () => {
    const run = await serve("./model.pkl", "rebooted");
    await run.wait({ timeoutMs: 60_000, intervalMs: 100 });
    const { readFileSync, writeFileSync } = await import("node:fs");
    const file = join(home, "runs", run.id, "processes.json");
    const processes = JSON.parse(readFileSync(file, "utf8"));
    // as if the pids had been recorded during another boot of the machine
    writeFileSync(
      file,
      JSON.stringify({ ...processes, server: { ...processes.server, bootId: "another-boot" } }),
    );
    await run.refresh();
    expect(run.state).toBe("ERROR");
    expect(run.status.message).toMatch(/machine restarted/);
    process.kill(processes.supervisor.pid, "SIGTERM");
  });

  it("reports a taken port as ERROR saying so", async () => {
    const blocker = createServer();
    await new Promise<void>((ok) => blocker.listen(0, "127.0.0.1", ok));
    const port = (blocker.address() as { port: number }).port;
    process.env.MODELSERVE_LOCAL_HTTP_PORT = String(port);
    try {
      const run = await serve("./model.pkl", "port-taken");
      await expect(run.wait({ timeoutMs: 60_000, intervalMs: 100 })).rejects.toThrow(/already in use/);
    } finally {
      delete process.env.MODELSERVE_LOCAL_HTTP_PORT;
      blocker.close();
    }
  });
});
