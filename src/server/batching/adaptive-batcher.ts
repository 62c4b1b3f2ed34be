import type { PyfuncModel } from "../../mlflow/pyfunc.js";
import type { LoadedModel, ModelMetadata, ModelSettings } from "../../runtimes/runtime.js";
import type { ModelHistogram } from "../metrics.js";
import type { InferenceRequest, InferenceResponse, Tensor, TensorData } from "../protocol/tensor.js";

/**
 * Adaptive batching (MLServer's max_batch_size / max_batch_time): compatible requests that arrive within
 * max_batch_time are concatenated along their first dimension into one call of the model, and each gets
 * back its own rows of every output. Requests are compatible when they have the same inputs (name,
 * datatype, shape past the first dimension), the same requested outputs and the same parameters, so a
 * batch never answers one request with another's outputs (MLServer#514). When a batch fails or its
 * outputs cannot be split by rows, each request is run on its own, so every caller gets its own answer.
 */

export interface BatcherOptions {
  /** most requests merged into one call */
  maxBatchSize: number;
  /** how long the first request of a batch waits for others, in ms */
  maxBatchTimeMs: number;
  queueSizes?: ModelHistogram;
}

interface Pending {
  request: InferenceRequest;
  rows: number;
  resolve: (response: InferenceResponse) => void;
  reject: (error: unknown) => void;
}

interface Batch {
  key: string;
  items: Pending[];
  timer: NodeJS.Timeout | undefined;
}

function batchKey(request: InferenceRequest): string | undefined {
  let key = "";
  for (const input of request.inputs) {
    if (input.shape.length === 0) return undefined;
    key += `${input.name}\u0000${input.datatype}\u0000${input.shape.slice(1).join(",")}\u0001`;
  }
  const rows = request.inputs[0].shape[0];
  if (request.inputs.some((t) => t.shape[0] !== rows)) return undefined;
  key += `\u0002${JSON.stringify(request.outputs ?? null)}\u0002${JSON.stringify(request.parameters ?? null)}`;
  return key;
}

function concat(parts: readonly TensorData[]): TensorData {
  const first = parts[0];
  if (Array.isArray(first)) return (parts as Uint8Array[][]).flat();
  let length = 0;
  for (const p of parts) length += p.length;
  const Ctor = first.constructor as new (n: number) => Exclude<TensorData, Uint8Array[]>;
  const out = new Ctor(length);
  let offset = 0;
  for (const p of parts as Exclude<TensorData, Uint8Array[]>[]) {
    (out as Float64Array).set(p as Float64Array, offset);
    offset += p.length;
  }
  return out;
}

function merge(items: readonly Pending[]): { request: InferenceRequest; total: number } {
  const first = items[0].request;
  let total = 0;
  for (const item of items) total += item.rows;
  const inputs: Tensor[] = first.inputs.map((input, i) => {
    const tensor: Tensor = {
      name: input.name,
      datatype: input.datatype,
      shape: [total, ...input.shape.slice(1)],
      data: concat(items.map((item) => item.request.inputs[i].data)),
    };
    if (input.parameters !== undefined) tensor.parameters = input.parameters;
    return tensor;
  });
  const request: InferenceRequest = { inputs };
  if (first.parameters !== undefined) request.parameters = first.parameters;
  if (first.outputs !== undefined) request.outputs = first.outputs;
  return { request, total };
}

/** Each item's rows of every output, or undefined when an output is not batched by rows. */
function split(
  response: InferenceResponse,
  items: readonly Pending[],
  total: number,
): InferenceResponse[] | undefined {
  for (const output of response.outputs) {
    if (output.shape.length === 0 || output.shape[0] !== total) return undefined;
  }
  let row = 0;
  return items.map((item) => {
    const outputs = response.outputs.map((output) => {
      const perRow = total === 0 ? 0 : output.data.length / total;
      const start = row * perRow;
      const end = (row + item.rows) * perRow;
      const tensor: Tensor = {
        name: output.name,
        datatype: output.datatype,
        shape: [item.rows, ...output.shape.slice(1)],
        data: Array.isArray(output.data) ? output.data.slice(start, end) : output.data.slice(start, end),
      };
      if (output.parameters !== undefined) tensor.parameters = output.parameters;
      return tensor;
    });
    row += item.rows;
    const out: InferenceResponse = { model_name: response.model_name, outputs };
    if (response.parameters !== undefined) out.parameters = response.parameters;
    return out;
  });
}

export class AdaptiveBatcher implements LoadedModel {
  private readonly open = new Map<string, Batch>();
  private readonly labels: { model: string; version: string };

  constructor(
    private readonly inner: LoadedModel,
    private readonly options: BatcherOptions,
  ) {
    this.labels = { model: inner.settings.name, version: inner.settings.version ?? "" };
  }

  get settings(): ModelSettings {
    return this.inner.settings;
  }

  metadata(): ModelMetadata {
    return this.inner.metadata();
  }

  // /invocations calls an MLflow model's pyfunc directly, one request at a time, past the batcher
  get pyfunc(): PyfuncModel | undefined {
    return this.inner.pyfunc;
  }

  get checksOwnInputs(): boolean | undefined {
    return this.inner.checksOwnInputs;
  }

  infer(request: InferenceRequest): Promise<InferenceResponse> {
    const key = batchKey(request);
    if (key === undefined) return Promise.resolve(this.inner.infer(request));
    return new Promise<InferenceResponse>((resolve, reject) => {
      const item: Pending = { request, rows: request.inputs[0].shape[0], resolve, reject };
      let batch = this.open.get(key);
      if (batch === undefined) {
        batch = { key, items: [], timer: undefined };
        this.open.set(key, batch);
        const pending = batch;
        batch.timer = setTimeout(() => this.flush(pending), this.options.maxBatchTimeMs);
      }
      batch.items.push(item);
      if (batch.items.length >= this.options.maxBatchSize) this.flush(batch);
    });
  }

  private flush(batch: Batch): void {
    if (this.open.get(batch.key) !== batch) return;
    this.open.delete(batch.key);
    clearTimeout(batch.timer);
    this.options.queueSizes?.observe(this.labels, batch.items.length);
    void this.run(batch.items);
  }

  private async run(items: Pending[]): Promise<void> {
    if (items.length === 1) {
      await this.runOne(items[0]);
      return;
    }
    const { request, total } = merge(items);
    let parts: InferenceResponse[] | undefined;
    try {
      parts = split(await this.inner.infer(request), items, total);
    } catch {
      parts = undefined;
    }
    if (parts === undefined) {
      // one request may have spoiled the batch, or the model does not answer row by row
      await Promise.all(items.map((item) => this.runOne(item)));
      return;
    }
    for (let i = 0; i < items.length; i++) items[i].resolve(parts[i]);
  }

  private async runOne(item: Pending): Promise<void> {
    try {
      item.resolve(await this.inner.infer(item.request));
    } catch (e) {
      item.reject(e);
    }
  }

  async unload(): Promise<void> {
    for (const batch of [...this.open.values()]) this.flush(batch);
    await this.inner.unload?.();
  }
}
