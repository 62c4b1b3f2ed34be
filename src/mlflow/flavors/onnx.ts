import { join } from "node:path";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { ErrorCodes, ModelserveError } from "../../errors.js";
import type { NDArray } from "../../pickle/values.js";
import { BadRequestError } from "../../server/errors.js";
import { FLOAT32 } from "../../sklearn/common/dtypes.js";
import { cast, dtypeOf, elements } from "../arrays.js";
import { UnsupportedFlavorError } from "../errors.js";
import {
  type Frame,
  PREDICT_METHOD,
  type PyfuncInput,
  type PyfuncOutput,
  type PyfuncParams,
} from "../pyfunc.js";
import type { Flavor, FlavorContext, FlavorModel } from "./flavor.js";

/**
 * The `onnx` flavor (pyfunc loader_module mlflow.onnx) on onnxruntime-node, fed and answered as MLflow's
 * `_OnnxModelWrapper.predict` does: a dict feeds inputs by name, one array feeds the only input, a frame
 * feeds its values (one input) or one column per input; float64 is cast to float32 for float inputs;
 * the answer is a dict of outputs by name, or a frame of flattened outputs for a frame input.
 */

/** onnxruntime element types ⇄ numpy dtype names. */
const NUMPY_OF_ONNX: Readonly<Record<string, string>> = {
  float32: "float32",
  float64: "float64",
  int8: "int8",
  int16: "int16",
  int32: "int32",
  int64: "int64",
  uint8: "uint8",
  uint16: "uint16",
  uint32: "uint32",
  uint64: "uint64",
  bool: "bool",
  string: "object",
};

function onnxTypeOf(a: NDArray): Tensor.Type | undefined {
  const d = a.dtype;
  if (d.kind === "O" || d.kind === "U") return "string";
  if (d.kind === "b") return "bool";
  const name = `${d.kind === "f" ? "float" : d.kind === "i" ? "int" : "uint"}${d.itemsize * 8}`;
  return Object.hasOwn(NUMPY_OF_ONNX, name) ? (name as Tensor.Type) : undefined;
}

interface InputInfo {
  readonly name: string;
  readonly type: Tensor.Type;
  /** the model's dimensions: a number is fixed, a name (or "") any size */
  readonly shape: readonly (number | string)[];
}

function describeShape(shape: readonly (number | string)[]): string {
  return `[${shape.map((d) => (typeof d === "number" && d >= 0 ? d : -1)).join(", ")}]`;
}

function sessionOptions(conf: Readonly<Record<string, unknown>>): InferenceSession.SessionOptions {
  const options: InferenceSession.SessionOptions = { executionProviders: ["cpu"] };
  const given = conf.onnx_session_options;
  if (typeof given !== "object" || given === null) return options;
  const o = given as Record<string, unknown>;
  if (typeof o.intra_op_num_threads === "number") options.intraOpNumThreads = o.intra_op_num_threads;
  if (typeof o.inter_op_num_threads === "number") options.interOpNumThreads = o.inter_op_num_threads;
  if (typeof o.execution_mode === "string") {
    options.executionMode = o.execution_mode.toUpperCase() === "PARALLEL" ? "parallel" : "sequential";
  }
  return options;
}

function toTensor(input: InputInfo, a: NDArray): Tensor {
  let array = a;
  // MLflow casts float64 to float32 for float inputs (serialisation often widens floats)
  if (input.type === "float32" && a.dtype.kind === "f" && a.dtype.itemsize === 8) array = cast(a, FLOAT32);
  const type = onnxTypeOf(array);
  if (type !== input.type) {
    throw new BadRequestError(
      `input tensor '${input.name}' has dtype ${array.dtype.str}, the ONNX model takes ${input.type}`,
      { details: { input: input.name } },
    );
  }
  const dims = [...array.shape];
  const fits =
    input.shape.length === 0 ||
    (input.shape.length === dims.length &&
      input.shape.every((d, i) => typeof d !== "number" || d < 0 || d === dims[i]));
  if (!fits) {
    throw new BadRequestError(
      `input tensor '${input.name}' has shape [${dims.join(", ")}], the ONNX model takes ${describeShape(input.shape)} (-1: any size)`,
      { details: { input: input.name } },
    );
  }
  if (type === "string") return new Tensor("string", elements(array).map(String), dims);
  return new Tensor(type, array.data as Tensor.DataTypeMap[typeof type], dims);
}

function toNDArray(name: string, t: Tensor): NDArray {
  const numpy = NUMPY_OF_ONNX[t.type];
  if (numpy === undefined) {
    throw new ModelserveError(
      ErrorCodes.INFERENCE_FAILED,
      `ONNX output '${name}' has type ${t.type}, which is not served`,
    );
  }
  const data = t.type === "string" ? [...(t.data as string[])] : (t.data as NDArray["data"]);
  return { dtype: dtypeOf(numpy), shape: [...t.dims], data };
}

function frameColumn(frame: Frame, name: string): NDArray {
  const column = frame.columns.find((c) => c.name === name);
  if (column === undefined) {
    throw new BadRequestError(`the ONNX model takes input '${name}', which the frame lacks`, {
      details: { input: name },
    });
  }
  return column.values;
}

/** The values of a frame as one row-major matrix (DataFrame.values), columns of one dtype. */
function frameValues(frame: Frame): NDArray {
  const [first] = frame.columns;
  if (frame.columns.some((c) => c.values.dtype.str !== first.values.dtype.str)) {
    throw new BadRequestError(
      "the ONNX model takes one tensor: every column of the frame must have the same dtype",
    );
  }
  const cols = frame.columns.map((c) => elements(c.values));
  const data = new Array<unknown>(frame.rows * cols.length);
  for (let i = 0; i < frame.rows; i++)
    for (let j = 0; j < cols.length; j++) data[i * cols.length + j] = cols[j][i];
  return cast({ dtype: first.values.dtype, shape: [frame.rows, cols.length], data }, first.values.dtype);
}

class OnnxFlavorModel implements FlavorModel {
  constructor(
    private readonly session: InferenceSession,
    private readonly inputs: readonly InputInfo[],
  ) {}

  private feeds(input: PyfuncInput): Record<string, Tensor> {
    const byName = (get: (name: string) => NDArray) =>
      Object.fromEntries(this.inputs.map((i) => [i.name, toTensor(i, get(i.name))]));
    if (input.kind === "dict") {
      return byName((name) => {
        const a = input.arrays[name];
        if (a === undefined) {
          throw new BadRequestError(`the ONNX model takes input '${name}', which the request lacks`, {
            details: { input: name },
          });
        }
        return a;
      });
    }
    if (input.kind === "array") {
      if (this.inputs.length !== 1) {
        throw new BadRequestError(
          `one array can only feed an ONNX model with one input; this one takes ${this.inputs.map((i) => i.name).join(", ")}: send them by name`,
        );
      }
      return { [this.inputs[0].name]: toTensor(this.inputs[0], input.array) };
    }
    if (this.inputs.length > 1) return byName((name) => frameColumn(input, name));
    return { [this.inputs[0].name]: toTensor(this.inputs[0], frameValues(input)) };
  }

  async predict(input: PyfuncInput, params?: PyfuncParams): Promise<PyfuncOutput> {
    const method = params?.[PREDICT_METHOD];
    if (method !== undefined && method !== "predict") {
      throw new BadRequestError(`${PREDICT_METHOD} '${String(method)}': an ONNX model has only predict`);
    }
    const results = await this.session.run(this.feeds(input));
    const outputs = this.session.outputNames.map(
      (name) => [name, toNDArray(name, results[name] as Tensor)] as const,
    );
    if (input.kind !== "frame") return { kind: "dict", arrays: Object.fromEntries(outputs) };
    const flat = outputs.map(([name, a]) => ({ name, values: { ...a, shape: [a.data.length] } }));
    const rows = flat[0]?.values.shape[0] ?? 0;
    if (flat.some((c) => c.values.shape[0] !== rows)) {
      throw new ModelserveError(
        ErrorCodes.INFERENCE_FAILED,
        `the ONNX outputs flatten to different lengths (${flat.map((c) => `${c.name}: ${c.values.shape[0]}`).join(", ")}), so they cannot form the frame MLflow answers a frame input with`,
      );
    }
    return { kind: "frame", rows, columns: flat };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

export const flavor: Flavor = {
  name: "onnx",
  async load(context: FlavorContext): Promise<FlavorModel> {
    const file = context.conf.data ?? context.pyfuncConf?.data;
    if (typeof file !== "string" || file === "" || file.includes("..")) {
      throw new ModelserveError(
        ErrorCodes.MODEL_LOAD_FAILED,
        `${context.dir}: the onnx flavor's (or python_function's) 'data' must name the .onnx file inside the folder, got ${JSON.stringify(file)}`,
      );
    }
    let session: InferenceSession;
    try {
      session = await InferenceSession.create(join(context.dir, file), sessionOptions(context.conf));
    } catch (e) {
      throw new ModelserveError(
        ErrorCodes.MODEL_LOAD_FAILED,
        `${join(context.dir, file)}: onnxruntime cannot load it: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
    const inputs: InputInfo[] = [];
    for (const meta of session.inputMetadata) {
      if (!meta.isTensor)
        throw new UnsupportedFlavorError(`ONNX input '${meta.name}' is not a tensor, which is not served`);
      inputs.push({ name: meta.name, type: meta.type, shape: meta.shape });
    }
    for (const meta of session.outputMetadata) {
      if (!meta.isTensor) {
        await session.release();
        throw new UnsupportedFlavorError(
          `ONNX output '${meta.name}' is not a tensor (a ZipMap of probabilities?): convert with skl2onnx options {zipmap: False}`,
        );
      }
    }
    return new OnnxFlavorModel(session, inputs);
  },
};
