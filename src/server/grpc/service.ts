import type { DataPlane } from "../dataplane.js";
import type {
  ModelInferRequestMessage,
  ModelInferResponseMessage,
  ModelMetadataResponseMessage,
  ModelRefMessage,
  ServerMetadataResponseMessage,
} from "./messages.js";
import type { UnaryHandler } from "./methods.js";
import { propertiesToWire } from "./parameters.js";
import { requestFromWire, responseToWire, tensorMetadataToWire } from "./tensors.js";

/** The handlers of inference.GRPCInferenceService: thin adapters from messages to the shared data plane. */

/** The empty string is proto3's "not set": no version means the server's choice. */
function versionOf(message: { version?: string; model_version?: string }): string | undefined {
  const version = message.version ?? message.model_version;
  return version === undefined || version === "" ? undefined : version;
}

export function inferenceHandlers(dataplane: DataPlane): Record<string, UnaryHandler> {
  return {
    ServerLive: () => ({ live: dataplane.live() }),
    ServerReady: () => ({ ready: dataplane.ready() }),
    ModelReady: (req: ModelRefMessage) => ({
      ready: dataplane.modelReady(req.name ?? "", versionOf(req)),
    }),
    ServerMetadata: (): ServerMetadataResponseMessage => {
      const { name, version, extensions } = dataplane.serverMetadata();
      return { name, version, extensions };
    },
    ModelMetadata: (req: ModelRefMessage): ModelMetadataResponseMessage => {
      const m = dataplane.modelMetadata(req.name ?? "", versionOf(req));
      return {
        name: m.name,
        versions: m.versions ?? [],
        platform: m.platform,
        inputs: tensorMetadataToWire(m.inputs),
        outputs: tensorMetadataToWire(m.outputs),
        properties: propertiesToWire(m.parameters),
      };
    },
    // synchronous end to end for a synchronous model: the answer goes out in the call's own tick
    ModelInfer: (
      req: ModelInferRequestMessage,
    ): ModelInferResponseMessage | Promise<ModelInferResponseMessage> => {
      const request = requestFromWire(req);
      const raw = req.raw_input_contents.length > 0;
      const response = dataplane.inferNow(req.model_name ?? "", versionOf(req), request);
      return response instanceof Promise
        ? response.then((r) => responseToWire(r, raw))
        : responseToWire(response, raw);
    },
  };
}
