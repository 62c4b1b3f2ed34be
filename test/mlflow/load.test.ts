import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArchiveError, extractZip } from "../../src/mlflow/archive.js";
import { MLmodelError, UnsupportedFlavorError } from "../../src/mlflow/errors.js";
import { parseMLmodel } from "../../src/mlflow/mlmodel.js";
import { loadMlflowModel } from "../../src/mlflow/model.js";
import { dtype, MODELS } from "./reference.js";

/** Loading MLflow models: flavors refused by name, MLmodel errors naming the field, hostile archives. */

const HOSTILE = join(MODELS, "hostile");
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "ms-mlflow-load-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function refusal(path: string): Promise<Error> {
  const error = await loadMlflowModel(path).then(
    async (m) => {
      await m.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error, `${path} should be refused`).toBeInstanceOf(Error);
  return error as Error;
}

/** A model folder holding only this MLmodel text. */
async function modelWith(mlmodel: string): Promise<string> {
  const dir = await mkdtemp(join(scratch, "model-"));
  await writeFile(join(dir, "MLmodel"), mlmodel);
  return dir;
}

function pyfunc(loader: string, extra = ""): string {
  return `flavors:\n  python_function:\n    loader_module: ${loader}\n${extra}`;
}

describe("refused flavors", () => {
  it.each([
    ["pytorch", pyfunc("mlflow.pytorch", "  pytorch:\n    model_data: data\n"), /flavor 'pytorch'/],
    ["keras", pyfunc("mlflow.tensorflow", "  keras:\n    keras_version: 3.0.0\n"), /flavor 'tensorflow'/],
    [
      "transformers",
      pyfunc("mlflow.transformers", "  transformers:\n    task: fill-mask\n"),
      /flavor 'transformers'/,
    ],
    [
      "no python_function",
      "flavors:\n  pytorch:\n    model_data: data\n",
      /no python_function flavor \(it has pytorch\)/,
    ],
  ])("%s is refused at load, naming it and listing the supported flavors", async (_, mlmodel, named) => {
    const error = await refusal(await modelWith(mlmodel));
    expect(error).toBeInstanceOf(UnsupportedFlavorError);
    expect((error as UnsupportedFlavorError).code).toBe("MODEL_UNSUPPORTED");
    expect(error.message).toMatch(named);
    expect(error.message).toContain("supported flavors: sklearn, onnx, xgboost, lightgbm");
  });

  it("a custom python_function model saved by mlflow (a pickled PythonModel) is refused, its pickle unread", async () => {
    const error = await refusal(join(MODELS, "pyfunc_custom"));
    expect(error).toBeInstanceOf(UnsupportedFlavorError);
    expect(error.message).toMatch(/custom python_function model/);
  });

  it("an sklearn model saved by mlflow as skops is refused, saying which formats load", async () => {
    for (const path of [join(MODELS, "sklearn_skops"), join(MODELS, "sklearn_skops.zip")]) {
      const error = await refusal(path);
      expect(error).toBeInstanceOf(UnsupportedFlavorError);
      expect(error.message).toMatch(/sklearn flavor saved as 'skops'.*pickle or cloudpickle/);
    }
  });

  it("python_function alone loads the model, as pyfunc does when the flavor's section is absent", async () => {
    const dir = await modelWith(pyfunc("mlflow.sklearn", "    model_path: model.pkl\n"));
    await cp(join(MODELS, "sklearn_tensor", "model.pkl"), join(dir, "model.pkl"));
    const model = await loadMlflowModel(dir);
    const array = { dtype: dtype("<f8"), shape: [1, 4], data: Float64Array.of(5.1, 3.5, 1.4, 0.2) };
    const out = await model.predict({ kind: "array", array });
    expect(out.kind === "array" && Array.from(out.array.data as BigInt64Array, Number)).toEqual([0]);
    await model.close();
  });

  it("python_function without a model file is refused naming what is missing", async () => {
    const error = await refusal(await modelWith(pyfunc("mlflow.sklearn")));
    expect(error.message).toMatch(
      /'pickled_model' \(or python_function's 'model_path'\) must name the model file/,
    );
  });
});

describe("MLmodel errors name the field", () => {
  const signature = (inputs: string) =>
    `flavors:\n  python_function:\n    loader_module: mlflow.sklearn\nsignature:\n  inputs: '${inputs}'\n`;

  it.each([
    ["not YAML", "flavors: [unclosed", /not valid YAML/],
    ["no flavors", "mlflow_version: 3.17.2\n", /field 'flavors'/],
    ["empty flavors", "flavors: {}\n", /field 'flavors': no flavor is declared/],
    ["signature not JSON", signature("[{"), /signature\.inputs: not valid JSON/],
    [
      "unknown column type",
      signature('[{"type": "decimal", "name": "price"}]'),
      /column 'price' has type decimal/,
    ],
    [
      "mixed specs",
      signature(
        '[{"type": "double", "name": "a"}, {"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]',
      ),
      /mixes tensor and column specs/,
    ],
    [
      "unknown tensor dtype",
      signature('[{"type": "tensor", "tensor-spec": {"dtype": "float128", "shape": [-1]}}]'),
      /signature\.inputs: \[0\.tensor-spec\.dtype\] not a numpy dtype/,
    ],
  ])("%s", (_, text, message) => {
    expect(() => parseMLmodel(text)).toThrow(MLmodelError);
    expect(() => parseMLmodel(text)).toThrow(message);
  });

  it("a folder without MLmodel is not an MLflow model", async () => {
    const dir = await mkdtemp(join(scratch, "empty-"));
    const error = await refusal(dir);
    expect(error).toBeInstanceOf(MLmodelError);
    expect(error.message).toMatch(/has no MLmodel file/);
  });

  it("reads the input example as Python does (mlflow writes missing values as NaN)", async () => {
    const dir = await mkdtemp(join(scratch, "nan-example-"));
    await cp(join(MODELS, "sklearn_tensor"), dir, { recursive: true });
    await writeFile(join(dir, "input_example.json"), "[[5.1, NaN, 1.4, 0.2]]");
    const model = await loadMlflowModel(dir);
    expect(model.mlmodel.inputExample).toEqual([[5.1, Number.NaN, 1.4, 0.2]]);
    await model.close();
  });

  it("the MLmodel file itself can be given", async () => {
    const model = await loadMlflowModel(join(MODELS, "sklearn_tensor", "MLmodel"));
    expect(model.flavor).toBe("sklearn");
    expect(model.mlmodel.inputExample).toBeDefined();
    await model.close();
  });
});

describe("ONNX models without a signature", () => {
  it("check input shapes against the ONNX graph: a 400 naming the input, not an onnxruntime failure", async () => {
    const dir = await mkdtemp(join(scratch, "onnx-unsigned-"));
    await cp(join(MODELS, "onnx_iris"), dir, { recursive: true });
    const mlmodel = await readFile(join(dir, "MLmodel"), "utf8");
    await writeFile(join(dir, "MLmodel"), mlmodel.replace(/^signature:\n(?: {2}.*\n)+/m, ""));
    const model = await loadMlflowModel(dir);
    expect(model.signature).toBeUndefined();
    const array = { dtype: dtype("<f4"), shape: [2, 3], data: new Float32Array(6) };
    await expect(model.predict({ kind: "array", array })).rejects.toThrow(
      /input tensor 'X' has shape \[2, 3\], the ONNX model takes \[-1, 4\]/,
    );
    const fits = await model.predict({
      kind: "array",
      array: { ...array, shape: [2, 4], data: new Float32Array(8) },
    });
    expect(fits.kind === "dict" && fits.arrays.label.shape).toEqual([2]);
    await model.close();
  });
});

describe("zipped models", () => {
  it("a model zipped with its folder loads, and close() removes the unpacked copy", async () => {
    const model = await loadMlflowModel(join(HOSTILE, "nested.zip"));
    expect(model.signature?.inputs?.kind).toBe("tensors");
    expect(existsSync(model.dir)).toBe(true);
    await model.close();
    expect(existsSync(model.dir)).toBe(false);
  });

  it.each([
    ["slip.zip", /invalid relative path: \.\.\/evil\.txt/],
    ["absolute.zip", /absolute path: \/tmp\/modelserve-evil\.txt/],
    ["symlink.zip", /entry 'model\.pkl' is a symbolic link/],
    ["lying.zip", /too many bytes in the stream\. expected 10/],
    ["not_a_zip.zip", /not a readable zip archive/],
    ["not_mlflow.zip", /no MLmodel at its root or in its only folder/],
  ])("%s is refused, and nothing is written outside the target", async (name, message) => {
    const before = await readdir(tmpdir());
    const error = await refusal(join(HOSTILE, name));
    expect(error.message).toMatch(message);
    expect((error as { code?: string }).code).toBe("MODEL_LOAD_FAILED");
    expect(existsSync(join(tmpdir(), "evil.txt"))).toBe(false);
    expect(existsSync("/tmp/modelserve-evil.txt")).toBe(false);
    // the unpacked copy of a refused archive is removed
    const leftover = (await readdir(tmpdir())).filter(
      (f) => f.startsWith("modelserve-mlflow-") && !before.includes(f),
    );
    expect(leftover).toEqual([]);
  });

  it("an archive over the entry or size limits is refused before writing past them", async () => {
    const target = join(scratch, "limits");
    await mkdir(target);
    await expect(
      extractZip(join(HOSTILE, "many.zip"), target, { maxEntries: 10, maxBytes: 1e9 }),
    ).rejects.toThrow(/51 entries, more than the 10 allowed/);
    await expect(
      extractZip(join(HOSTILE, "big.zip"), target, { maxEntries: 100, maxBytes: 1024 * 1024 }),
    ).rejects.toThrow(ArchiveError);
    expect(existsSync(join(target, "weights.bin"))).toBe(false);
  });
});
