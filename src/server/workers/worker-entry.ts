import { parentPort, workerData } from "node:worker_threads";
import { isModelserveError } from "../../errors.js";
import { RuntimeRegistry } from "../../runtimes/registry.js";
import type { LoadedModel } from "../../runtimes/runtime.js";
import type { FromWorker, SerializedError, ToWorker, WorkerData } from "./messages.js";

/** A worker thread holding one instance of a model (parallel_workers): loads it, then answers requests. */

function serialize(e: unknown): SerializedError {
  const message = e instanceof Error ? e.message : String(e);
  return isModelserveError(e) ? { message, code: e.code } : { message };
}

const port = parentPort!;
const { settings } = workerData as WorkerData;
const post = (message: FromWorker) => port.postMessage(message);

async function main(): Promise<void> {
  let model: LoadedModel;
  try {
    model = await (await new RuntimeRegistry().resolve(settings.implementation)).load(settings);
  } catch (e) {
    post({ type: "load-failed", error: serialize(e) });
    return;
  }
  port.on("message", async (message: ToWorker) => {
    if (message.type === "unload") {
      try {
        await model.unload?.();
      } finally {
        post({ type: "unloaded" });
      }
      return;
    }
    try {
      post({ type: "result", id: message.id, response: await model.infer(message.request) });
    } catch (e) {
      post({ type: "failed", id: message.id, error: serialize(e) });
    }
  });
  post({ type: "ready", metadata: model.metadata() });
}

void main();
