import { threadId } from "node:worker_threads";
import { ErrorCodes, ModelserveError } from "../../errors.js";
import type { Datatype, InferenceRequest, InferenceResponse, Tensor } from "../../server/protocol/tensor.js";
import type { LoadedModel, ModelMetadata, ModelSettings, RuntimeFactory } from "../runtime.js";

/**
 * A runtime with no ML library: deterministic, for tests, benchmarks and wiring checks.
 * `parameters.mode` (model-settings.json `parameters.extra`):
 * - "identity" (default): every input comes back as an output of the same name, datatype, shape and data;
 * - "sum": one FP64 output "sum" of shape [rows, 1], the sum over every numeric input of each row
 *   (the first dimension is the batch).
 * Other settings: `delay_ms` (wait before answering, to model a slow model), `report_thread` (answer with
 * response parameter `thread_id`, to see which worker thread ran it). A request parameter `noop_raise`
 * makes the model throw an Error with that message (a model that fails).
 */

class NoopSettingsError extends ModelserveError {
  constructor(message: string) {
    super(ErrorCodes.SPEC_INVALID, message);
  }
}

type Mode = "identity" | "sum";

const NUMERIC: ReadonlySet<Datatype> = new Set<Datatype>([
  "BOOL",
  "UINT8",
  "UINT16",
  "UINT32",
  "UINT64",
  "INT8",
  "INT16",
  "INT32",
  "INT64",
  "FP16",
  "FP32",
  "FP64",
]);

function sumRows(model: string, inputs: readonly Tensor[]): Tensor {
  const rows = inputs[0]?.shape[0] ?? 0;
  const out = new Float64Array(rows);
  for (const input of inputs) {
    if (!NUMERIC.has(input.datatype)) {
      throw new ModelserveError(
        ErrorCodes.BAD_REQUEST,
        `input '${input.name}': model '${model}' (noop sum) needs numeric inputs, got ${input.datatype}`,
      );
    }
    if (input.shape.length === 0 || input.shape[0] !== rows) {
      throw new ModelserveError(
        ErrorCodes.BAD_REQUEST,
        `input '${input.name}': shape [${input.shape.join(", ")}] must start with the batch size ${rows} of the first input`,
      );
    }
    const data = input.data as ArrayLike<number | bigint>;
    const perRow = rows === 0 ? 0 : data.length / rows;
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = r * perRow; j < (r + 1) * perRow; j++) s += Number(data[j]);
      out[r] += s;
    }
  }
  return { name: "sum", datatype: "FP64", shape: [rows, 1], data: out };
}

/** An input back as an output; its transport-level parameter (binary_data_size) is not the output's. */
function echo(input: Tensor): Tensor {
  const output: Tensor = { name: input.name, datatype: input.datatype, shape: input.shape, data: input.data };
  if (input.parameters !== undefined) {
    const { binary_data_size: _, ...rest } = input.parameters;
    if (Object.keys(rest).length > 0) output.parameters = rest;
  }
  return output;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

class NoopModel implements LoadedModel {
  private readonly mode: Mode;
  private readonly delayMs: number;
  private readonly reportThread: boolean;

  constructor(readonly settings: ModelSettings) {
    const p = settings.parameters ?? {};
    const mode = p.mode ?? "identity";
    if (mode !== "identity" && mode !== "sum") {
      throw new NoopSettingsError(
        `noop model '${settings.name}': parameters.mode must be "identity" or "sum"`,
      );
    }
    const delay = p.delay_ms ?? 0;
    if (typeof delay !== "number" || !(delay >= 0)) {
      throw new NoopSettingsError(`noop model '${settings.name}': parameters.delay_ms must be a number >= 0`);
    }
    this.mode = mode;
    this.delayMs = delay;
    this.reportThread = p.report_thread === true;
  }

  metadata(): ModelMetadata {
    const s = this.settings;
    return {
      name: s.name,
      platform: s.platform ?? "modelserve_noop",
      inputs: s.inputs ?? [],
      outputs: s.outputs ?? (this.mode === "sum" ? [{ name: "sum", datatype: "FP64", shape: [-1, 1] }] : []),
    };
  }

  infer(request: InferenceRequest): InferenceResponse | Promise<InferenceResponse> {
    if (this.delayMs > 0) return sleep(this.delayMs).then(() => this.answer(request));
    return this.answer(request);
  }

  private answer(request: InferenceRequest): InferenceResponse {
    const raise = request.parameters?.noop_raise;
    if (typeof raise === "string") throw new Error(raise);
    const outputs =
      this.mode === "sum" ? [sumRows(this.settings.name, request.inputs)] : request.inputs.map(echo);
    const response: InferenceResponse = { model_name: this.settings.name, outputs };
    if (this.reportThread) response.parameters = { thread_id: threadId };
    return response;
  }
}

export const runtime: RuntimeFactory = {
  implementations: ["noop", "modelserve.noop"],
  async load(settings: ModelSettings): Promise<LoadedModel> {
    return new NoopModel(settings);
  },
};
