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
