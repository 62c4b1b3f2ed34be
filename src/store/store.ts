import type { Entity, EntityType, ProjectEntity } from "../sdk/types.js";

/**
 * Where entities live. The default backend is SQLite under MODELSERVE_HOME (sqlite.ts); another backend
 * (e.g. a remote platform API) implements the same interface. Methods are async for that reason.
 *
 * Entities are stored whole as their JSON wire shape; the store only indexes what it filters on.
 */

/** The entity types that live inside a project. */
export type ProjectEntityType = Exclude<EntityType, "project">;

/** A stored entity: the common JSON shape, spec and status free-form at this level. */
export type StoredEntity = Entity<string, object, { state: string }>;

export interface ListFilter {
  kind?: string;
  /** exact entity name */
  name?: string;
  /** `status.state` */
  state?: string;
  /** tasks and runs: the function name their `spec.function` reference points at */
  functionName?: string;
  /** versioned types: only the latest version of each name (default) or every version */
  versions?: "latest" | "all";
}

export interface Store {
  /** A human-readable location, e.g. the database file. */
  readonly location: string;

  /** Creates a project; ALREADY_EXISTS if the name is taken. */
  createProject(project: ProjectEntity): Promise<void>;
  getProject(name: string): Promise<ProjectEntity | undefined>;
  listProjects(): Promise<ProjectEntity[]>;
  /** Deletes a project and every entity in it; false if there was none. */
  deleteProject(name: string): Promise<boolean>;

  /** Inserts a new entity (a new version for versioned types); ALREADY_EXISTS if the id is taken. */
  create<E extends StoredEntity>(type: ProjectEntityType, entity: E): Promise<E>;
  get<E extends StoredEntity>(type: ProjectEntityType, project: string, id: string): Promise<E | undefined>;
  /** The newest version with this name. */
  getLatest<E extends StoredEntity>(
    type: ProjectEntityType,
    project: string,
    name: string,
  ): Promise<E | undefined>;
  /** Newest first. */
  list<E extends StoredEntity>(type: ProjectEntityType, project: string, filter?: ListFilter): Promise<E[]>;
  /**
   * Atomic read-modify-write: `change` gets the current entity and returns the new one; it may throw
   * (nothing is written then). Concurrent updates from any process are serialised, none is lost.
   * NOT_FOUND if the entity does not exist.
   */
  update<E extends StoredEntity>(
    type: ProjectEntityType,
    project: string,
    id: string,
    change: (current: E) => E,
  ): Promise<E>;
  delete(type: ProjectEntityType, project: string, id: string): Promise<boolean>;

  close(): void;
}
