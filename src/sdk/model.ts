import type { ModelEntity, ModelKind, ModelSpec } from "./types.js";

/** A logged model version; `store://{project}/model/{kind}/{name}:{id}` paths resolve to `spec.path`. */
export class Model {
  constructor(readonly entity: ModelEntity) {}

  get id(): string {
    return this.entity.id;
  }
  get name(): string {
    return this.entity.name;
  }
  get kind(): ModelKind {
    return this.entity.kind;
  }
  get key(): string {
    return this.entity.key;
  }
  get spec(): ModelSpec {
    return this.entity.spec;
  }

  toJSON(): ModelEntity {
    return this.entity;
  }
}
