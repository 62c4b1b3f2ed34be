import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

/** `modelserve serve` (the README's main job) and `modelserve run --dry-run`, as a user runs them. */
const SLOW = { timeout: 180_000 };
const ROOT = join(import.meta.dirname, "../..");
const home = mkdtempSync(join(tmpdir(), "modelserve-cli-serve-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, MODELSERVE_HOME: home },
  });
}

function finish(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => {
    stdout += d;
  });
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

describe("modelserve serve", () => {
  it(
    "serves the bundled iris example with no arguments and stops gracefully on SIGTERM",
    async () => {
      const child = start(["serve", "--port", "0", "--grpc-port", "0", "--json"]);
      const done = finish(child);
      const line = await new Promise<string>((resolve, reject) => {
        let buffer = "";
        child.stdout?.on("data", (d) => {
          buffer += d;
          if (buffer.includes("\n")) resolve(buffer.split("\n")[0]);
        });
        child.on("close", (code) => reject(new Error(`serve exited early with ${code}`)));
      });
      const endpoints = JSON.parse(line) as { model: string; infer: string; implementation: string };
      expect(endpoints.model).toBe("iris");
      expect(endpoints.implementation).toBe("sklearn");
      const res = await fetch(endpoints.infer, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          inputs: [
            {
              name: "input-0",
              shape: [2, 4],
              datatype: "FP64",
              data: [5.1, 3.5, 1.4, 0.2, 6.3, 3.3, 6.0, 2.5],
            },
          ],
        }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { outputs: { name: string; data: unknown[] }[] };
      expect(body.outputs[0].name).toBe("predict");
      expect(body.outputs[0].data).toEqual(["setosa", "virginica"]);
      child.kill("SIGTERM");
      expect((await done).code).toBe(0);
    },
    SLOW,
  );

  it(
    "prints a ready-to-paste request that an MLflow model with a column signature answers",
    async () => {
      const model = "fixtures/mlflow/models/sklearn_pipeline.zip";
      const child = start(["serve", model, "--name", "churn", "--port", "0", "--grpc-port", "0"]);
      const done = finish(child);
      const curl = await new Promise<string>((resolve, reject) => {
        let buffer = "";
        child.stdout?.on("data", (d) => {
          buffer += d;
          const line = buffer.split("\n").find((l) => l.trim().startsWith("curl -s"));
          if (line !== undefined && buffer.endsWith("\n")) resolve(line);
        });
        child.on("close", (code) => reject(new Error(`serve exited early with ${code}`)));
      });
      const [, url, body] = /curl -s (\S+) .* -d '(.*)'$/.exec(curl) ?? [];
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
      const answer = (await res.json()) as { outputs: { name: string; datatype: string; data: unknown[] }[] };
      expect(res.status, JSON.stringify(answer)).toBe(200);
      expect(answer.outputs[0]).toMatchObject({ name: "output-1", datatype: "BYTES" });
      expect(["stay", "churn"]).toContain(answer.outputs[0].data[0]);
      child.kill("SIGTERM");
      expect((await done).code).toBe(0);
    },
    SLOW,
  );

  it(
    "refuses a model file it cannot read, naming it, with exit code 1",
    async () => {
      const result = await finish(
        start(["serve", "package.json", "--kind", "sklearn", "--port", "0", "--grpc-port", "0"]),
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/cannot serve .*package\.json/);
    },
    SLOW,
  );
});

describe("modelserve run --dry-run", () => {
  it(
    "prints the Kubernetes objects of a run without running anything",
    async () => {
      const result = await finish(
        start([
          "run",
          "--kind",
          "sklearnserve",
          "--path",
          "s3://models/iris/model.pkl",
          "--name",
          "iris",
          "--dry-run",
        ]),
      );
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const objects = parseAllDocuments(result.stdout).map(
        (d) => d.toJSON() as { kind: string; spec?: unknown },
      );
      const kinds = objects.map((o) => o.kind);
      expect(kinds).toContain("Deployment");
      expect(kinds).toContain("Service");
      expect(result.stdout).toMatch(/seldonio\/mlserver:[^\s]+-sklearn/);
      const runs = await finish(start(["runs", "list", "--json"]));
      expect(JSON.parse(runs.stdout)).toEqual([]);
    },
    SLOW,
  );
});

describe("modelserve run --local, invoke, runs stop|delete", () => {
  it(
    "drives a local run through its lifecycle from the command line",
    async () => {
      const started = await finish(
        start([
          "run",
          "--kind",
          "sklearnserve",
          "--path",
          "examples/iris/model.pkl",
          "--name",
          "iris-cli",
          "--local",
          "--json",
        ]),
      );
      expect(started.stderr).toBe("");
      expect(started.code).toBe(0);
      const run = JSON.parse(started.stdout) as {
        id: string;
        status: { state: string; service: { url: string } };
      };
      expect(run.status.state).toBe("RUNNING");
      expect(run.status.service.url).toMatch(/^127\.0\.0\.1:\d+$/);

      const request = JSON.stringify({
        inputs: [{ name: "input-0", shape: [1, 4], datatype: "FP64", data: [6.3, 3.3, 6.0, 2.5] }],
      });
      const invoked = await finish(start(["invoke", run.id, "--json", request]));
      expect(invoked.code).toBe(0);
      expect((JSON.parse(invoked.stdout) as { outputs: { data: unknown[] }[] }).outputs[0].data).toEqual([
        "virginica",
      ]);

      const badJson = await finish(start(["invoke", run.id, "--json", "{not json"]));
      expect(badJson.code).toBe(2);
      expect(badJson.stderr).toMatch(/not valid JSON/);

      expect((await finish(start(["runs", "stop", run.id]))).code).toBe(0);
      const twice = await finish(start(["runs", "stop", run.id]));
      expect(twice.code).toBe(1);
      expect(twice.stderr).toMatch(/STOPPED/);
      const beforeReady = await finish(start(["invoke", run.id, "--json", request]));
      expect(beforeReady.code).toBe(1);
      expect(beforeReady.stderr).toMatch(/no service/);
      expect((await finish(start(["runs", "delete", run.id]))).code).toBe(0);
    },
    SLOW,
  );
});
