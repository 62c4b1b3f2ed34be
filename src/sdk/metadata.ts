import { z } from "zod";
import { nameRule } from "./specs/rules.js";
import type { EntityMetadata } from "./types.js";

/** The entity-level fields every `new...()` call takes besides the spec. */
export const METADATA_SHAPE = {
  name: z.string().superRefine((v, ctx) => {
    const problem = nameRule.check(v);
    if (problem !== undefined)
      ctx.addIssue({ code: "custom", message: problem, params: { allowed: nameRule.allowed } });
  }),
  uuid: z
    .string()
    .regex(/^[a-zA-Z0-9._+-]{1,256}$/, {
      error: "not a slug id (use a uuid4 hex such as crypto.randomUUID() without dashes)",
    })
    .optional(),
  description: z.string().optional(),
  labels: z.array(z.string().min(1)).optional(),
  embedded: z.boolean().optional(),
};

export function newMetadata(
  project: string,
  name: string,
  fields: { description?: string; labels?: string[]; embedded?: boolean },
  now: Date = new Date(),
): EntityMetadata {
  const time = now.toISOString();
  const metadata: EntityMetadata = { project, name, created: time, updated: time };
  if (fields.description !== undefined) metadata.description = fields.description;
  if (fields.labels !== undefined) metadata.labels = fields.labels;
  if (fields.embedded !== undefined) metadata.embedded = fields.embedded;
  return metadata;
}
