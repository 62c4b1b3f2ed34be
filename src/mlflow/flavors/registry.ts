import { ErrorCodes, ModelserveError } from "../../errors.js";
import { UnsupportedFlavorError } from "../errors.js";
import type { MLmodel } from "../mlmodel.js";
import type { Flavor } from "./flavor.js";

/**
 * Picks the flavor that serves an MLflow model the way `mlflow.pyfunc.load_model` does, by the
 * `python_function` section's `loader_module`, and imports its module (`./<name>.js`, exporting
 * `flavor: Flavor`) only when a model needs it, so serving an sklearn model never loads onnxruntime.
 */

/** loader_module → the flavor module serving it. */
const SERVED: Readonly<Record<string, string>> = {
  "mlflow.sklearn": "sklearn",
  "mlflow.onnx": "onnx",
  "mlflow.xgboost": "xgboost",
  "mlflow.lightgbm": "lightgbm",
};

export const SUPPORTED_FLAVORS: readonly string[] = Object.values(SERVED);

function supportedText(): string {
  return `supported flavors: ${SUPPORTED_FLAVORS.join(", ")} (python_function models whose loader_module is ${Object.keys(SERVED).join(", ")})`;
}

/** The flavor a loader_module names, for messages: "mlflow.pytorch" → "pytorch". */
function flavorOf(loaderModule: string): string {
  return loaderModule.startsWith("mlflow.")
    ? loaderModule.slice("mlflow.".length).split(".")[0]
    : loaderModule;
}

export interface FlavorChoice {
  /** the flavor module name ("sklearn", "onnx", …), also the MLmodel flavor key holding its conf */
  readonly name: string;
  readonly pyfuncConf: Readonly<Record<string, unknown>>;
}

/** Chooses the flavor, or refuses the model naming its flavor and listing the supported ones. */
export function chooseFlavor(mlmodel: MLmodel, where: string): FlavorChoice {
  const flavors = Object.keys(mlmodel.flavors);
  const pyfuncConf = mlmodel.flavors.python_function;
  if (pyfuncConf === undefined) {
    throw new UnsupportedFlavorError(
      `${where}: the model has no python_function flavor (it has ${flavors.join(", ")}), so mlflow.pyfunc cannot load it either; ${supportedText()}`,
      { flavors },
    );
  }
  const loader = pyfuncConf.loader_module;
  if (typeof loader !== "string") {
    throw new UnsupportedFlavorError(`${where}: python_function has no loader_module; ${supportedText()}`, {
      flavors,
    });
  }
  const name = SERVED[loader];
  if (name === undefined) {
    const custom = loader === "mlflow.pyfunc.model" || "python_model" in pyfuncConf;
    const what = custom
      ? "a custom python_function model (a pickled PythonModel runs arbitrary Python)"
      : `flavor '${flavorOf(loader)}' (loader_module ${loader})`;
    throw new UnsupportedFlavorError(`${where}: ${what} is not supported; ${supportedText()}`, {
      flavors,
      loader_module: loader,
    });
  }
  return { name, pyfuncConf };
}

function isFlavor(value: unknown): value is Flavor {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Flavor).name === "string" &&
    typeof (value as Flavor).load === "function"
  );
}

/** Imports the flavor module; a variable specifier, so modules written later need no change here. */
export async function importFlavor(name: string): Promise<Flavor> {
  if (!SUPPORTED_FLAVORS.includes(name)) {
    throw new UnsupportedFlavorError(`flavor '${name}' is not supported; ${supportedText()}`);
  }
  const specifier = `./${name}.js`;
  let module: Record<string, unknown>;
  try {
    module = (await import(specifier)) as Record<string, unknown>;
  } catch (e) {
    throw new ModelserveError(
      ErrorCodes.MODEL_UNSUPPORTED,
      `the ${name} flavor cannot be loaded: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  if (!isFlavor(module.flavor)) {
    throw new ModelserveError(
      ErrorCodes.MODEL_UNSUPPORTED,
      `./flavors/${name} does not export a Flavor named 'flavor'`,
    );
  }
  return module.flavor;
}
