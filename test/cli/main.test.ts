import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { unregisterExecutor } from "../../src/executors/executor.js";
import { getOrCreateProject } from "../../src/sdk/api.js";
import { closeStores } from "../../src/sdk/context.js";
import { VERSION } from "../../src/version.js";

/**
 * The real CLI in a child process, against a temporary MODELSERVE_HOME. Each start costs about a
 * second of CPU (tsx), far more on a loaded machine, hence the generous timeouts.
 */
const SLOW = { timeout: 180_000 };

const ROOT = join(import.meta.dirname, "../..");
const home = mkdtempSync(join(tmpdir(), "modelserve-cli-"));
afterAll(() => {
  closeStores();
  rmSync(home, { recursive: true, force: true });
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Async, so the test worker stays responsive while the child runs. */
function cli(
  args: string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<Result> {
  const env: NodeJS.ProcessEnv = { ...process.env, MODELSERVE_HOME: home };
  delete env.MODELSERVE_PROJECT;
  Object.assign(env, options.env);
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: ROOT, env });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  child.stdin.end(options.input ?? "");
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function specFile(name: string, text: string): string {
  const file = join(home, name);
  writeFileSync(file, text);
  return file;
}

describe("modelserve", SLOW, () => {
  it("--version prints the version", async () => {
    const r = await cli(["--version"]);
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it("--help lists the command groups and the project option", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(0);
    for (const word of ["functions", "runs", "--project", "MODELSERVE_PROJECT"])
      expect(r.stdout).toContain(word);
  });

  it("exits 2 on usage errors, with the message on stderr", async () => {
    const unknown = await cli(["no-such-command"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command");
    const missing = await cli(["functions", "create"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--file");
    const unreadable = await cli(["functions", "create", "-f", join(home, "missing.yaml")]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain("cannot read");
  });
});

describe("modelserve functions", SLOW, () => {
  it("creates functions from a flat or wire-shaped YAML file and lists them", async () => {
    const file = specFile(
      "two.yaml",
      [
        "name: iris",
        "kind: sklearnserve",
        "path: ./iris.pkl",
        "model_name: iris",
        "---",
        "kind: kubeai-text",
        "metadata:",
        "  name: llm",
        "  description: a text model",
        "spec:",
        "  url: hf://mistralai/Mistral-7B-v0.1",
        "  engine: VLLM",
        "  features: [TextGeneration]",
      ].join("\n"),
    );
    const created = await cli(["-p", "fns", "functions", "create", "-f", file]);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout.split("\n")[0]).toMatch(/^NAME\s+KIND\s+VERSION\s+CREATED\s+MODEL$/);
    expect(created.stdout).toMatch(/iris\s+sklearnserve\s+[0-9a-f]{32}/);

    const list = await cli(["functions", "list", "--json"], { env: { MODELSERVE_PROJECT: "fns" } });
    expect(list.code).toBe(0);
    const entities = JSON.parse(list.stdout) as Array<{
      name: string;
      kind: string;
      spec: object;
      metadata: object;
    }>;
    expect(entities.map((e) => e.name).sort()).toEqual(["iris", "llm"]);
    const llm = entities.find((e) => e.name === "llm");
    expect(llm).toMatchObject({
      kind: "kubeai-text",
      spec: { url: "hf://mistralai/Mistral-7B-v0.1", engine: "VLLM", features: ["TextGeneration"] },
      metadata: { description: "a text model" },
    });
  });

  it("keeps versions: get shows the latest, or the one asked for", async () => {
    const file = specFile("v.yaml", "name: m\nkind: mlflowserve\npath: ./v1/\n");
    const v1 = JSON.parse((await cli(["-p", "ver", "functions", "create", "-f", file, "--json"])).stdout)[0];
    writeFileSync(file, "name: m\nkind: mlflowserve\npath: ./v2/\n");
    const v2 = JSON.parse((await cli(["-p", "ver", "functions", "create", "-f", file, "--json"])).stdout)[0];
    expect(JSON.parse((await cli(["-p", "ver", "functions", "get", "m", "--json"])).stdout).id).toBe(v2.id);
    const old = JSON.parse((await cli(["-p", "ver", "functions", "get", `m:${v1.id}`, "--json"])).stdout);
    expect(old.spec).toEqual({ path: "./v1/" });
    const all = await cli(["-p", "ver", "functions", "list", "--all-versions"]);
    expect(all.stdout.trim().split("\n")).toHaveLength(3);
    expect((await cli(["-p", "ver", "functions", "get", "m", "--yaml"])).stdout).toContain(`id: ${v2.id}`);
  });

  it("refuses an invalid spec file naming every bad field, and stores nothing", async () => {
    const file = specFile("bad.yaml", "name: bad\nkind: sklearnserve\npath: model.txt\nreplica: 2\n");
    const r = await cli(["-p", "bad", "functions", "create", "-f", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("path: sklearnserve needs a .pkl or .joblib file");
    expect(r.stderr).toContain('did you mean the task/run field "replicas"');
    expect(r.stdout).toBe("");
    expect((await cli(["-p", "bad", "functions", "list", "--json"])).stdout.trim()).toBe("[]");
  });

  it("reads the spec from stdin and reports errors as JSON with --json", async () => {
    const r = await cli(["-p", "stdin", "functions", "create", "-f", "-", "--json"], {
      input: "name: x\nkind: sklearnserve\nimage: python:3.11\npath: m.pkl\n",
    });
    expect(r.code).toBe(1);
    const error = JSON.parse(r.stderr) as { code: string; details: Array<{ path: string }> };
    expect(error.code).toBe("SPEC_INVALID");
    expect(error.details.map((d) => d.path)).toEqual(["image"]);
  });

  it("says NOT_FOUND with exit 1 for unknown projects and functions", async () => {
    const r = await cli(["-p", "nowhere", "functions", "list"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("project nowhere does not exist");
    const f = await cli(["-p", "fns", "functions", "get", "nothing"]);
    expect(f.code).toBe(1);
    expect(f.stderr).toContain("function nothing does not exist");
  });
});

describe("modelserve runs", SLOW, () => {
  it("lists and shows runs written by another process", async () => {
    unregisterExecutor("kubernetes");
    const project = await getOrCreateProject("runs", { home });
    const fn = await project.newFunction({ name: "iris", kind: "sklearnserve", path: "iris.pkl" });
    const run = await fn.run({ action: "serve", replicas: 2 });

    const table = await cli(["-p", "runs", "runs", "list"]);
    expect(table.code).toBe(0);
    expect(table.stdout.split("\n")[0]).toMatch(/^ID\s+KIND\s+FUNCTION\s+STATE\s+SERVICE\s+CREATED$/);
    expect(table.stdout).toMatch(
      new RegExp(`${run.id}\\s+sklearnserve\\+serve:run\\s+iris:${fn.id.slice(0, 8)}\\s+BUILT`),
    );

    const json = JSON.parse(
      (await cli(["-p", "runs", "runs", "list", "--json", "--state", "BUILT", "--function", "iris"])).stdout,
    );
    expect(json).toEqual([run.entity]);
    expect(
      JSON.parse((await cli(["-p", "runs", "runs", "list", "--json", "--state", "RUNNING"])).stdout),
    ).toEqual([]);

    const details = await cli(["-p", "runs", "runs", "get", run.id]);
    expect(details.code).toBe(0);
    expect(details.stdout).toMatch(/state:\s+BUILT/);
    expect(details.stdout).toContain("transitions:");
    expect(details.stdout).toContain('no "kubernetes" executor');
    expect(
      JSON.parse((await cli(["-p", "runs", "runs", "get", run.id, "--json"])).stdout).spec.replicas,
    ).toBe(2);
  });

  it("stops only what runs, and deletes runs that never started", async () => {
    unregisterExecutor("kubernetes");
    const project = await getOrCreateProject("lifecycle", { home });
    const fn = await project.newFunction({ name: "iris", kind: "sklearnserve", path: "iris.pkl" });
    const run = await fn.run({ action: "serve" });
    const stop = await cli(["-p", "lifecycle", "runs", "stop", run.id, "--json"]);
    expect(stop.code).toBe(1);
    expect(JSON.parse(stop.stderr)).toMatchObject({
      code: "INVALID_TRANSITION",
      details: { from: "BUILT", to: "STOP" },
    });
    const deleted = await cli(["-p", "lifecycle", "runs", "delete", run.id]);
    expect(deleted).toMatchObject({ code: 0, stdout: `deleted run ${run.id}\n` });
    expect(await project.listRuns()).toEqual([]);
  });

  it("refuses unknown states and runs", async () => {
    await getOrCreateProject("states", { home });
    const state = await cli(["-p", "states", "runs", "list", "--state", "running"]);
    expect(state.code).toBe(1);
    expect(state.stderr).toContain("RUNNING");
    const missing = await cli(["-p", "states", "runs", "get", "nope"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("run nope does not exist");
  });
});
