import { createHash, randomUUID } from "node:crypto";
import type { EntityType, FunctionKind, ModelKind, RunKind, TaskKind } from "./types.js";

/**
 * Keys and reference strings of the original platform (§5.1):
 * - keys `store://{project}/{type}/{kind}/{name}:{id}` (versioned) or `store://{project}/{type}/{kind}/{id}`;
 * - reference strings `{kind}://{project}/{name}:{id}` (functions) and `{task kind}://{project}/{task id}`.
 */

/** uuid4 as 32 lower-case hex characters, no dashes (as `uuid4().hex`). */
export function newId(): string {
  return randomUUID().replaceAll("-", "");
}

/**
 * A name-based UUID (version 5 layout, SHA-1 of the name) as 32 hex characters: the same name always
 * gives the same id, so concurrent creators of "the task of this function" collide instead of
 * creating two.
 */
export function nameBasedId(name: string): string {
  const hash = createHash("sha1").update(name).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  return hash.subarray(0, 16).toString("hex");
}

export function taskKindOf(kind: FunctionKind): TaskKind {
  return `${kind}+serve`;
}

export function runKindOf(kind: FunctionKind): RunKind {
  return `${kind}+serve:run`;
}

/** `sklearnserve+serve:run` → `sklearnserve` */
export function functionKindOf(kind: TaskKind | RunKind): FunctionKind {
  return kind.slice(0, kind.indexOf("+")) as FunctionKind;
}

export function projectKey(project: string): string {
  return `store://${project}`;
}

export function functionKey(project: string, kind: FunctionKind, name: string, id: string): string {
  return `store://${project}/function/${kind}/${name}:${id}`;
}

export function modelKey(project: string, kind: ModelKind, name: string, id: string): string {
  return `store://${project}/model/${kind}/${name}:${id}`;
}

export function taskKey(project: string, kind: TaskKind, id: string): string {
  return `store://${project}/task/${kind}/${id}`;
}

export function runKey(project: string, kind: RunKind, id: string): string {
  return `store://${project}/run/${kind}/${id}`;
}

/** `{kind}://{project}/{name}:{id}`, put in `task.spec.function` and `run.spec.function`. */
export function functionRef(kind: FunctionKind, project: string, name: string, id: string): string {
  return `${kind}://${project}/${name}:${id}`;
}

/** `{task kind}://{project}/{task id}`, put in `run.spec.task`. */
export function taskRef(kind: TaskKind, project: string, id: string): string {
  return `${kind}://${project}/${id}`;
}

export interface ParsedKey {
  project: string;
  type: EntityType;
  kind: string;
  /** versioned entities only */
  name?: string;
  id: string;
}

const SLUG = "[A-Za-z0-9._+-]+";
const VERSIONED_KEY = new RegExp(`^store://(${SLUG})/(function|model)/([^/]+)/(${SLUG}):(${SLUG})$`);
const UNVERSIONED_KEY = new RegExp(`^store://(${SLUG})/(task|run)/([^/]+)/(${SLUG})$`);

/** Parses an entity key; `undefined` if it is not one. */
export function parseKey(key: string): ParsedKey | undefined {
  const v = VERSIONED_KEY.exec(key);
  if (v !== null) return { project: v[1], type: v[2] as EntityType, kind: v[3], name: v[4], id: v[5] };
  const u = UNVERSIONED_KEY.exec(key);
  if (u !== null) return { project: u[1], type: u[2] as EntityType, kind: u[3], id: u[4] };
  return undefined;
}

export interface ParsedRef {
  kind: string;
  project: string;
  name: string;
  id?: string;
}

const REF = new RegExp(`^([a-z0-9+:-]+?)://(${SLUG})/(${SLUG}?)(?::(${SLUG}))?$`);

/** Parses `{kind}://{project}/{name}:{id}` or `{kind}://{project}/{id}`. */
export function parseRef(ref: string): ParsedRef | undefined {
  const m = REF.exec(ref);
  if (m === null) return undefined;
  return { kind: m[1], project: m[2], name: m[3], id: m[4] };
}
