import type { DataPlane } from "../dataplane.js";
import { BadRequestError } from "../errors.js";
import type {
  RepositoryIndexRequestMessage,
  RepositoryIndexResponseMessage,
  RepositoryModelRequestMessage,
} from "./messages.js";
import type { UnaryHandler } from "./methods.js";

/**
 * The repository RPCs (proto/model_repository_extension.proto) over the data plane, as REST's
 * /v2/repository/*. Models load from the server's model-settings.json tree, so Triton's per-request model
 * definitions (`config`, `file:<path>`) are refused rather than silently ignored; `unload_dependents`
 * is accepted (modelserve has no ensembles, so a model has no dependents).
 */

const ACCEPTED = new Set(["unload_dependents"]);

function modelName(request: RepositoryModelRequestMessage, rpc: string): string {
  for (const key of Object.keys(request.parameters ?? {})) {
    if (!ACCEPTED.has(key)) {
      throw new BadRequestError(
        `${rpc}: parameter '${key}' is not supported; modelserve loads models from their model-settings.json`,
      );
    }
  }
  const name = request.model_name;
  if (name === undefined || name === "")
    throw new BadRequestError(`${rpc}: 'model_name' must be a non-empty string`);
  return name;
}

export function repositoryHandlers(dataplane: DataPlane): Record<string, UnaryHandler> {
  return {
    RepositoryIndex: async (req: RepositoryIndexRequestMessage): Promise<RepositoryIndexResponseMessage> => {
      const index = await dataplane.repositoryIndex({ ready: req.ready === true });
      // proto3 leaves empty strings off the wire
      return {
        models: index.map((m) => ({
          name: m.name,
          state: m.state,
          ...(m.version ? { version: m.version } : {}),
          ...(m.reason ? { reason: m.reason } : {}),
        })),
      };
    },
    RepositoryModelLoad: async (req: RepositoryModelRequestMessage) => {
      await dataplane.loadModel(modelName(req, "RepositoryModelLoad"));
      return {};
    },
    RepositoryModelUnload: async (req: RepositoryModelRequestMessage) => {
      await dataplane.unloadModel(modelName(req, "RepositoryModelUnload"));
      return {};
    },
  };
}
