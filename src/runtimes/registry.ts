import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ErrorCodes, ModelserveError } from "../errors.js";
import type { RuntimeFactory } from "./runtime.js";

/**
 * Maps a model's `implementation` (ours, e.g. "sklearn", or MLServer's class path, e.g.
 * "mlserver_sklearn.SKLearnModel") to its RuntimeFactory. Each runtime is a plug-in folder
 * src/runtimes/<id>/index.ts exporting `runtime: RuntimeFactory`, imported only when a model needs it,
 * so a server that serves no scikit-learn model never loads the sklearn code. An implementation that is
 * a path to a JavaScript module (exporting `runtime` or a default RuntimeFactory) is a custom runtime.
 */

export class RuntimeNotFoundError extends ModelserveError {
  constructor(implementation: string, known: readonly string[], cause?: unknown) {
    super(
      ErrorCodes.MODEL_UNSUPPORTED,
      `no runtime for implementation '${implementation}'; known: ${known.join(", ")} (or a path to a .js module exporting 'runtime')`,
      cause === undefined ? undefined : { cause },
    );
  }
}

/** Built-in runtime ids → their folder module, relative to this file. */
const BUILTIN_MODULES: Readonly<Record<string, string>> = {
  noop: "./noop/index.js",
  sklearn: "./sklearn/index.js",
  mlflow: "./mlflow/index.js",
  huggingface: "./huggingface/index.js",
};

/** MLServer implementation class paths (and our spelled-out names) → built-in ids. */
const ALIASES: Readonly<Record<string, string>> = {
  "mlserver_sklearn.SKLearnModel": "sklearn",
  "mlserver_mlflow.MLflowRuntime": "mlflow",
  "mlserver_huggingface.HuggingFaceRuntime": "huggingface",
  "modelserve.noop": "noop",
};

function isRuntimeFactory(value: unknown): value is RuntimeFactory {
  return (
    typeof value === "object" &&
    value !== null &&
    Array.isArray((value as RuntimeFactory).implementations) &&
    typeof (value as RuntimeFactory).load === "function"
  );
}

function isModulePath(implementation: string): boolean {
  return /\.(m?js|cjs)$/.test(implementation) || implementation.startsWith("file:");
}

export class RuntimeRegistry {
  private readonly factories = new Map<string, RuntimeFactory>();

  /** Registers a factory under every id it declares (tests and embedders add their own). */
  register(factory: RuntimeFactory): void {
    for (const id of factory.implementations) this.factories.set(id, factory);
  }

  known(): string[] {
    return [...new Set([...Object.keys(BUILTIN_MODULES), ...Object.keys(ALIASES), ...this.factories.keys()])];
  }

  async resolve(implementation: string): Promise<RuntimeFactory> {
    const registered = this.factories.get(implementation);
    if (registered !== undefined) return registered;
    const id = ALIASES[implementation] ?? implementation;
    const builtin = this.factories.get(id);
    if (builtin !== undefined) return builtin;
    let specifier: string | undefined;
    // relative specifiers resolve against this module, in dist/ and under tsx/vitest (.js → .ts) alike
    if (Object.hasOwn(BUILTIN_MODULES, id)) specifier = BUILTIN_MODULES[id];
    else if (isModulePath(implementation)) {
      specifier = implementation.startsWith("file:")
        ? implementation
        : pathToFileURL(isAbsolute(implementation) ? implementation : resolve(implementation)).href;
    }
    if (specifier === undefined) throw new RuntimeNotFoundError(implementation, this.known());
    let module: Record<string, unknown>;
    try {
      module = (await import(specifier)) as Record<string, unknown>;
    } catch (e) {
      throw new RuntimeNotFoundError(implementation, this.known(), e);
    }
    const factory = module.runtime ?? module.default;
    if (!isRuntimeFactory(factory)) {
      throw new RuntimeNotFoundError(implementation, this.known());
    }
    this.factories.set(implementation, factory);
    this.factories.set(id, factory);
    return factory;
  }
}
