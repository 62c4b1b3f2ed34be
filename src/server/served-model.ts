import type { RuntimeRegistry } from "../runtimes/registry.js";
import type { LoadedModel, ModelSettings } from "../runtimes/runtime.js";
import { AdaptiveBatcher } from "./batching/adaptive-batcher.js";
import type { ServerMetrics } from "./metrics.js";
import type { ModelLoader } from "./model-registry.js";
import { WorkerPoolModel } from "./workers/worker-pool.js";

/**
 * Builds the model the data plane serves from its settings: the runtime's model, in worker threads
 * when `parallel_workers` > 0, behind an adaptive batcher when `max_batch_size` > 1.
 */
export function servedModelLoader(
  runtimes: RuntimeRegistry,
  defaults: { parallelWorkers: number },
  metrics?: ServerMetrics,
): ModelLoader {
  return async (settings: ModelSettings): Promise<LoadedModel> => {
    const workers = settings.parallel_workers ?? defaults.parallelWorkers;
    let model: LoadedModel =
      workers > 0
        ? await WorkerPoolModel.start(settings, workers, metrics?.parallelQueue)
        : await (await runtimes.resolve(settings.implementation)).load(settings);
    if ((settings.max_batch_size ?? 0) > 1) {
      model = new AdaptiveBatcher(model, {
        maxBatchSize: settings.max_batch_size!,
        maxBatchTimeMs: (settings.max_batch_time ?? 0) * 1000,
        queueSizes: metrics?.batchQueue,
      });
    }
    return model;
  };
}
