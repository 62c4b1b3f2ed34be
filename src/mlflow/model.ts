import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { extractZip } from "./archive.js";
import { enforceSchema } from "./enforce.js";
import { MLmodelError, ParamsError } from "./errors.js";
import type { FlavorModel } from "./flavors/flavor.js";
import { chooseFlavor, importFlavor } from "./flavors/registry.js";
import { type MLmodel, readMLmodel } from "./mlmodel.js";
import { enforceParams } from "./params.js";
import {
  PREDICT_METHOD,
  type PyfuncInput,
  type PyfuncModel,
  type PyfuncOutput,
  type PyfuncParams,
} from "./pyfunc.js";
import type { Signature } from "./signature.js";

/**
 * Loads an MLflow model (a folder with an MLmodel file, that file itself, or a `.zip` of the folder) into
 * a PyfuncModel that behaves as `mlflow.pyfunc.load_model(path)`: the signature is enforced on every
 * input and the params schema on every params, then the flavor predicts.
 */

export interface LoadOptions {
  /** serve-time options handed to the flavor (e.g. `predict_method`, the default method) */
  readonly options?: Readonly<Record<string, unknown>>;
}

export interface MlflowModel extends PyfuncModel {
  /** the folder holding MLmodel (an unpacked copy for a `.zip`, removed by close()) */
  readonly dir: string;
  readonly mlmodel: MLmodel;
  readonly signature?: Signature;
  close(): Promise<void>;
}

class LoadedMlflowModel implements MlflowModel {
  constructor(
    readonly flavor: string,
    readonly dir: string,
    readonly mlmodel: MLmodel,
    private readonly impl: FlavorModel,
    private readonly unpacked: string | undefined,
  ) {}

  get signature(): Signature | undefined {
    return this.mlmodel.signature;
  }

  predict(input: PyfuncInput, params?: PyfuncParams): PyfuncOutput | Promise<PyfuncOutput> {
    const signature = this.mlmodel.signature;
    const enforced = signature?.inputs ? enforceSchema(input, signature.inputs) : input;
    const flavorParams: Record<string, unknown> = { ...enforceParams(params, signature?.params) };
    delete flavorParams[PREDICT_METHOD];
    const method = params?.[PREDICT_METHOD];
    if (method !== undefined) {
      if (typeof method !== "string")
        throw new ParamsError(PREDICT_METHOD, `expected a method name (a string), got a ${typeof method}`);
      flavorParams[PREDICT_METHOD] = method;
    }
    return this.impl.predict(enforced, flavorParams);
  }

  async close(): Promise<void> {
    await this.impl.close?.();
    if (this.unpacked !== undefined) await rm(this.unpacked, { recursive: true, force: true });
  }
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** The folder holding MLmodel in an unpacked archive: its root, or its only top-level folder. */
async function modelRoot(unpacked: string, zip: string): Promise<string> {
  if (await isFile(join(unpacked, "MLmodel"))) return unpacked;
  const top = await readdir(unpacked, { withFileTypes: true });
  if (top.length === 1 && top[0].isDirectory() && (await isFile(join(unpacked, top[0].name, "MLmodel")))) {
    return join(unpacked, top[0].name);
  }
  throw new MLmodelError(zip, "not an MLflow model archive: no MLmodel at its root or in its only folder");
}

/** Loads the MLflow model at `path` (a folder, its MLmodel file, or a `.zip` of the folder). */
export async function loadMlflowModel(path: string, options: LoadOptions = {}): Promise<MlflowModel> {
  const info = await stat(path).catch((e: unknown) => {
    throw new MLmodelError(path, `cannot read it: ${(e as Error).message}`, { cause: e });
  });
  let dir = path;
  let unpacked: string | undefined;
  if (info.isFile() && basename(path) === "MLmodel") dir = dirname(path);
  else if (info.isFile()) {
    unpacked = await mkdtemp(join(tmpdir(), "modelserve-mlflow-"));
    try {
      await extractZip(path, unpacked);
      dir = await modelRoot(unpacked, path);
    } catch (e) {
      await rm(unpacked, { recursive: true, force: true });
      throw e;
    }
  }
  try {
    const mlmodel = await readMLmodel(dir);
    const choice = chooseFlavor(mlmodel, join(dir, "MLmodel"));
    const flavor = await importFlavor(choice.name);
    const impl = await flavor.load({
      dir,
      // pyfunc loads from python_function alone when the flavor's own section is absent
      conf: mlmodel.flavors[choice.name] ?? {},
      pyfuncConf: choice.pyfuncConf,
      ...(options.options ? { options: options.options } : {}),
    });
    return new LoadedMlflowModel(choice.name, dir, mlmodel, impl, unpacked);
  } catch (e) {
    if (unpacked !== undefined) await rm(unpacked, { recursive: true, force: true });
    throw e;
  }
}
