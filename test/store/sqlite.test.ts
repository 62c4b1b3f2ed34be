import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { getOrCreateProject } from "../../src/sdk/api.js";
import { closeStores } from "../../src/sdk/context.js";
import type { RunEntity } from "../../src/sdk/types.js";
import { modelserveHome } from "../../src/store/home.js";
import { SqliteStore } from "../../src/store/sqlite.js";

const run = promisify(execFile);
const WRITER = join(import.meta.dirname, "writer.ts");
const homes: string[] = [];

function tempHome(): string {
  const home = mkdtempSync(join(tmpdir(), "modelserve-store-"));
  homes.push(home);
  return home;
}

afterAll(() => {
  closeStores();
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

function entity(id: string, name: string, state = "CREATED", fn?: string): RunEntity {
  return {
    kind: "sklearnserve+serve:run",
    metadata: { project: "p", name, created: "t", updated: "t" },
    spec: { task: "t", function: fn ?? "sklearnserve://p/f:1", local_execution: false },
    status: { state: state as RunEntity["status"]["state"], metrics: {}, count: 0 },
    key: `store://p/run/sklearnserve+serve:run/${id}`,
    project: "p",
    id,
    name,
  };
}

async function storeWithProject(home: string): Promise<SqliteStore> {
  const store = SqliteStore.open(home);
  await store.createProject({
    kind: "project",
    metadata: { project: "p", name: "p", created: "t", updated: "t" },
    spec: { config: {} },
    status: { state: "CREATED" },
    key: "store://p",
    project: "p",
    id: "p",
    name: "p",
  });
  return store;
}

describe("home", () => {
  it("is MODELSERVE_HOME, else ~/.modelserve", () => {
    expect(modelserveHome({ MODELSERVE_HOME: "/tmp/x" })).toBe("/tmp/x");
    expect(modelserveHome({})).toMatch(/\.modelserve$/);
  });
});

describe("SqliteStore", () => {
  it("creates the database in WAL mode under the home", async () => {
    const home = tempHome();
    const store = SqliteStore.open(join(home, "nested"));
    expect(store.location).toBe(join(home, "nested", "modelserve.db"));
    store.close();
    const db = new Database(join(home, "nested", "modelserve.db"));
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("user_version", { simple: true })).toBe(1);
    db.close();
  });

  it("refuses a database from a newer modelserve", () => {
    const home = tempHome();
    const db = new Database(join(home, "modelserve.db"));
    db.pragma("user_version = 99");
    db.close();
    expect(() => SqliteStore.open(home)).toThrow(expect.objectContaining({ code: "STORE_FAILURE" }));
  });

  it("creates, reads, filters, updates and deletes entities", async () => {
    const store = await storeWithProject(tempHome());
    await store.create("run", entity("r1", "r1"));
    await store.create("run", entity("r2", "r2", "RUNNING", "mlflowserve://p/other:2"));
    await expect(store.create("run", entity("r1", "r1"))).rejects.toMatchObject({ code: "ALREADY_EXISTS" });
    await expect(store.create("run", { ...entity("x", "x"), project: "nope" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await store.list("run", "p")).map((e) => e.id)).toEqual(["r2", "r1"]);
    expect((await store.list("run", "p", { state: "RUNNING" })).map((e) => e.id)).toEqual(["r2"]);
    expect((await store.list("run", "p", { functionName: "f" })).map((e) => e.id)).toEqual(["r1"]);
    expect((await store.list("run", "p", { kind: "other" })).length).toBe(0);

    const updated = await store.update<RunEntity>("run", "p", "r1", (e) => ({
      ...e,
      status: { ...e.status, state: "BUILT" },
    }));
    expect(updated.status.state).toBe("BUILT");
    expect((await store.list("run", "p", { state: "BUILT" })).map((e) => e.id)).toEqual(["r1"]);
    await expect(store.update("run", "p", "nope", (e) => e)).rejects.toMatchObject({ code: "NOT_FOUND" });

    expect(await store.delete("run", "p", "r1")).toBe(true);
    expect(await store.delete("run", "p", "r1")).toBe(false);
    expect(await store.get("run", "p", "r1")).toBeUndefined();
    store.close();
  });

  it("writes nothing when an update's change throws", async () => {
    const store = await storeWithProject(tempHome());
    await store.create("run", entity("r1", "r1"));
    await expect(
      store.update<RunEntity>("run", "p", "r1", () => {
        throw new Error("refused");
      }),
    ).rejects.toThrow("refused");
    expect((await store.get<RunEntity>("run", "p", "r1"))?.status.state).toBe("CREATED");
    store.close();
  });

  it("keeps versions by name, newest last-created", async () => {
    const store = await storeWithProject(tempHome());
    const version = (id: string, name: string) => ({ ...entity(id, name), kind: "sklearnserve", spec: {} });
    await store.create("function", version("a1", "a"));
    await store.create("function", version("b1", "b"));
    await store.create("function", version("a2", "a"));
    expect((await store.getLatest("function", "p", "a"))?.id).toBe("a2");
    expect((await store.list("function", "p")).map((e) => e.id)).toEqual(["a2", "b1"]);
    expect((await store.list("function", "p", { versions: "all" })).map((e) => e.id)).toEqual([
      "a2",
      "b1",
      "a1",
    ]);
    expect((await store.list("function", "p", { name: "a", versions: "all" })).map((e) => e.id)).toEqual([
      "a2",
      "a1",
    ]);
    store.close();
  });
});

describe("several processes", () => {
  it("a second process sees what the first wrote, and the other way round", async () => {
    const home = tempHome();
    const project = await getOrCreateProject("demo", { home });
    await project.newFunction({ name: "mine", kind: "sklearnserve", path: "m.pkl" });
    const script = `
      import { getProject } from "./src/sdk/api.js";
      const p = await getProject("demo", { home: ${JSON.stringify(home)} });
      const names = (await p.listFunctions()).map((f) => f.name);
      await p.newFunction({ name: "theirs", kind: "mlflowserve", path: "./m/" });
      console.log(JSON.stringify(names));`;
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: join(import.meta.dirname, "../.."),
    });
    expect(JSON.parse(stdout)).toEqual(["mine"]);
    expect((await project.listFunctions()).map((f) => f.name).sort()).toEqual(["mine", "theirs"]);
  });

  it("concurrent writers lose nothing", async () => {
    const home = tempHome();
    const writers = 4;
    const count = 60;
    const store = await storeWithProject(home);
    await store.create("run", entity("counter", "counter"));
    const results = await Promise.all(
      Array.from({ length: writers }, (_, w) =>
        run(
          process.execPath,
          ["--import", "tsx", WRITER, home, "p", String(count), `w${w}`, String(writers)],
          {
            cwd: join(import.meta.dirname, "../.."),
          },
        ),
      ),
    );
    const written = results.flatMap((r) => (JSON.parse(r.stdout) as { ids: string[] }).ids);
    expect(new Set(written).size).toBe(writers * count);
    const versions = await store.list("function", "p", { name: "shared", versions: "all" });
    expect(versions.map((v) => v.id).sort()).toEqual([...written].sort());
    const counter = await store.get<RunEntity>("run", "p", "counter");
    expect(counter?.status.count).toBe(writers * count);
    for (let w = 0; w < writers; w++) expect(counter?.status[`last_w${w}`]).toBe(count - 1);
    store.close();
  }, 120_000);
});
