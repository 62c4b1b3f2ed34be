import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { isModelserveError } from "../errors.js";
import { AlreadyExistsError, NotFoundError } from "../sdk/errors.js";
import { parseRef } from "../sdk/keys.js";
import type { ProjectEntity } from "../sdk/types.js";
import { StoreError } from "./errors.js";
import { DATABASE_FILE } from "./home.js";
import type { ListFilter, ProjectEntityType, Store, StoredEntity } from "./store.js";

/**
 * The embedded store: one SQLite file shared by every process on the machine (SDK scripts, the CLI,
 * local servers). WAL lets readers run beside a writer; every write is one IMMEDIATE transaction, so
 * read-modify-write cycles from several processes are serialised instead of losing updates, and a
 * writer waits (busy timeout) rather than failing while another one holds the lock.
 */

const SCHEMA_VERSION = 1;
const BUSY_TIMEOUT_MS = 10_000;

const MIGRATION_1 = `
CREATE TABLE IF NOT EXISTS projects (
  name TEXT PRIMARY KEY,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entities (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  project TEXT NOT NULL,
  type TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  function_name TEXT,
  body TEXT NOT NULL,
  UNIQUE (project, type, id)
);
CREATE INDEX IF NOT EXISTS entities_by_name ON entities (project, type, name, seq);
`;

const VERSIONED: ReadonlySet<ProjectEntityType> = new Set(["function", "model"]);

interface Row {
  body: string;
}

function functionNameOf(entity: StoredEntity): string | null {
  const ref = (entity.spec as { function?: unknown }).function;
  return typeof ref === "string" ? (parseRef(ref)?.name ?? null) : null;
}

export class SqliteStore implements Store {
  readonly location: string;
  private readonly db: Database.Database;

  /** Opens (creating if needed) `<home>/modelserve.db`. */
  static open(home: string): SqliteStore {
    try {
      mkdirSync(home, { recursive: true });
    } catch (e) {
      throw new StoreError(`cannot create the modelserve home ${home}: ${(e as Error).message}`, {
        cause: e,
      });
    }
    return new SqliteStore(join(home, DATABASE_FILE));
  }

  constructor(file: string) {
    this.location = file;
    this.db = this.guard(() => new Database(file, { timeout: BUSY_TIMEOUT_MS }));
    this.guard(() => {
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = NORMAL");
      this.db
        .transaction(() => {
          const version = this.db.pragma("user_version", { simple: true }) as number;
          if (version > SCHEMA_VERSION) {
            throw new StoreError(
              `${file} was written by a newer modelserve (schema ${version}, this one knows ${SCHEMA_VERSION})`,
            );
          }
          if (version < 1) {
            this.db.exec(MIGRATION_1);
            this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
          }
        })
        .immediate();
    });
  }

  /** Runs `fn`, turning SQLite failures into StoreError (ModelserveErrors pass through). */
  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (isModelserveError(e)) throw e;
      throw new StoreError(`store ${this.location ?? ""}: ${(e as Error).message}`, { cause: e });
    }
  }

  private write<T>(fn: () => T): T {
    return this.guard(() => this.db.transaction(fn).immediate());
  }

  async createProject(project: ProjectEntity): Promise<void> {
    this.write(() => {
      const taken = this.db.prepare("SELECT 1 FROM projects WHERE name = ?").get(project.name);
      if (taken !== undefined) throw new AlreadyExistsError(`project ${project.name} already exists`);
      this.db
        .prepare("INSERT INTO projects (name, body) VALUES (?, ?)")
        .run(project.name, JSON.stringify(project));
    });
  }

  async getProject(name: string): Promise<ProjectEntity | undefined> {
    const row = this.guard(
      () => this.db.prepare("SELECT body FROM projects WHERE name = ?").get(name) as Row | undefined,
    );
    return row === undefined ? undefined : (JSON.parse(row.body) as ProjectEntity);
  }

  async listProjects(): Promise<ProjectEntity[]> {
    const rows = this.guard(() => this.db.prepare("SELECT body FROM projects ORDER BY name").all() as Row[]);
    return rows.map((r) => JSON.parse(r.body) as ProjectEntity);
  }

  async deleteProject(name: string): Promise<boolean> {
    return this.write(() => {
      this.db.prepare("DELETE FROM entities WHERE project = ?").run(name);
      return this.db.prepare("DELETE FROM projects WHERE name = ?").run(name).changes > 0;
    });
  }

  async create<E extends StoredEntity>(type: ProjectEntityType, entity: E): Promise<E> {
    return this.write(() => {
      if (this.db.prepare("SELECT 1 FROM projects WHERE name = ?").get(entity.project) === undefined) {
        throw new NotFoundError(`project ${entity.project} does not exist`);
      }
      const taken = this.db
        .prepare("SELECT 1 FROM entities WHERE project = ? AND type = ? AND id = ?")
        .get(entity.project, type, entity.id);
      if (taken !== undefined)
        throw new AlreadyExistsError(`${type} ${entity.id} already exists in ${entity.project}`);
      this.db
        .prepare(
          "INSERT INTO entities (project, type, id, name, kind, state, function_name, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .run(
          entity.project,
          type,
          entity.id,
          entity.name,
          entity.kind,
          entity.status.state,
          functionNameOf(entity),
          JSON.stringify(entity),
        );
      return entity;
    });
  }

  async get<E extends StoredEntity>(
    type: ProjectEntityType,
    project: string,
    id: string,
  ): Promise<E | undefined> {
    const row = this.guard(
      () =>
        this.db
          .prepare("SELECT body FROM entities WHERE project = ? AND type = ? AND id = ?")
          .get(project, type, id) as Row | undefined,
    );
    return row === undefined ? undefined : (JSON.parse(row.body) as E);
  }

  async getLatest<E extends StoredEntity>(
    type: ProjectEntityType,
    project: string,
    name: string,
  ): Promise<E | undefined> {
    const row = this.guard(
      () =>
        this.db
          .prepare(
            "SELECT body FROM entities WHERE project = ? AND type = ? AND name = ? ORDER BY seq DESC LIMIT 1",
          )
          .get(project, type, name) as Row | undefined,
    );
    return row === undefined ? undefined : (JSON.parse(row.body) as E);
  }

  async list<E extends StoredEntity>(
    type: ProjectEntityType,
    project: string,
    filter: ListFilter = {},
  ): Promise<E[]> {
    const where = ["project = ?", "type = ?"];
    const args: unknown[] = [project, type];
    const add = (sql: string, value: unknown) => {
      where.push(sql);
      args.push(value);
    };
    if (filter.kind !== undefined) add("kind = ?", filter.kind);
    if (filter.name !== undefined) add("name = ?", filter.name);
    if (filter.state !== undefined) add("state = ?", filter.state);
    if (filter.functionName !== undefined) add("function_name = ?", filter.functionName);
    if (VERSIONED.has(type) && (filter.versions ?? "latest") === "latest") {
      where.push("seq IN (SELECT MAX(seq) FROM entities WHERE project = ? AND type = ? GROUP BY name)");
      args.push(project, type);
    }
    const sql = `SELECT body FROM entities WHERE ${where.join(" AND ")} ORDER BY seq DESC`;
    const rows = this.guard(() => this.db.prepare(sql).all(...args) as Row[]);
    return rows.map((r) => JSON.parse(r.body) as E);
  }

  async update<E extends StoredEntity>(
    type: ProjectEntityType,
    project: string,
    id: string,
    change: (current: E) => E,
  ): Promise<E> {
    return this.write(() => {
      const row = this.db
        .prepare("SELECT body FROM entities WHERE project = ? AND type = ? AND id = ?")
        .get(project, type, id) as Row | undefined;
      if (row === undefined) throw new NotFoundError(`${type} ${id} does not exist in project ${project}`);
      const next = change(JSON.parse(row.body) as E);
      this.db
        .prepare(
          "UPDATE entities SET state = ?, function_name = ?, body = ? WHERE project = ? AND type = ? AND id = ?",
        )
        .run(next.status.state, functionNameOf(next), JSON.stringify(next), project, type, id);
      return next;
    });
  }

  async delete(type: ProjectEntityType, project: string, id: string): Promise<boolean> {
    return this.write(
      () =>
        this.db
          .prepare("DELETE FROM entities WHERE project = ? AND type = ? AND id = ?")
          .run(project, type, id).changes > 0,
    );
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
