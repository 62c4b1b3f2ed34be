import { z } from "zod";
import { resolveContext, type SdkOptions } from "./context.js";
import { NotFoundError } from "./errors.js";
import { parseKey, projectKey } from "./keys.js";
import { METADATA_SHAPE, newMetadata } from "./metadata.js";
import { Project } from "./project.js";
import { parseSpec } from "./specs/validate.js";
import type { ModelEntity, ProjectEntity } from "./types.js";

export interface ProjectOptions extends SdkOptions {
  description?: string;
  labels?: string[];
}

const projectSchema = z.strictObject({
  name: METADATA_SHAPE.name,
  description: METADATA_SHAPE.description,
  labels: METADATA_SHAPE.labels,
});

/** The project with this name, created if it does not exist. */
export async function getOrCreateProject(name: string, options: ProjectOptions = {}): Promise<Project> {
  const { home, store, ...fields } = options;
  const ctx = resolveContext({ home, store });
  const existing = await ctx.store.getProject(name);
  if (existing !== undefined) return new Project(existing, ctx);
  const parsed = parseSpec(projectSchema, { name, ...fields }, "project");
  const entity: ProjectEntity = {
    kind: "project",
    metadata: newMetadata(name, name, parsed),
    spec: parsed.description === undefined ? { config: {} } : { description: parsed.description, config: {} },
    status: { state: "CREATED" },
    key: projectKey(name),
    project: name,
    id: name,
    name,
  };
  try {
    await ctx.store.createProject(entity);
  } catch (e) {
    // another process created it in between: use theirs
    const raced = await ctx.store.getProject(name);
    if (raced === undefined) throw e;
    return new Project(raced, ctx);
  }
  return new Project(entity, ctx);
}

/** NOT_FOUND if there is no such project. */
export async function getProject(name: string, options: SdkOptions = {}): Promise<Project> {
  const ctx = resolveContext(options);
  const entity = await ctx.store.getProject(name);
  if (entity === undefined) throw new NotFoundError(`project ${name} does not exist`);
  return new Project(entity, ctx);
}

export async function listProjects(options: SdkOptions = {}): Promise<Project[]> {
  const ctx = resolveContext(options);
  return (await ctx.store.listProjects()).map((p) => new Project(p, ctx));
}

/**
 * Deletes a project with its functions, tasks, runs and models (records only: stop served runs first).
 * NOT_FOUND if there is no such project.
 */
export async function deleteProject(name: string, options: SdkOptions = {}): Promise<void> {
  const ctx = resolveContext(options);
  if (!(await ctx.store.deleteProject(name))) throw new NotFoundError(`project ${name} does not exist`);
}

/**
 * `store://{project}/model/{kind}/{name}:{id}` (or `:latest`, or no version) → the model's `spec.path`.
 * NOT_FOUND if the model does not exist.
 */
export async function resolveModelPath(key: string, options: SdkOptions = {}): Promise<string> {
  const parsed = parseKey(key) ?? parseKey(`${key}:latest`);
  if (parsed === undefined || parsed.type !== "model" || parsed.name === undefined) {
    throw new NotFoundError(`${key} is not a model key (store://{project}/model/{kind}/{name}:{id})`);
  }
  const project = await getProject(parsed.project, options);
  const model = await project.getModel(parsed.name, { version: parsed.id });
  if (model.kind !== parsed.kind) {
    throw new NotFoundError(`${key}: model ${parsed.name} is a ${model.kind} model, not ${parsed.kind}`);
  }
  return (model.entity as ModelEntity).spec.path;
}
