import { readFileSync } from "node:fs";
import { ErrorCodes, ModelserveError } from "../../errors.js";

/**
 * The WebAssembly kernels (`wasm/*.wat` beside the code that calls them), built into `.wasm` files by
 * `npm run build` (scripts/build-wasm.ts).
 * Each kernel has its own memory, which callers copy their inputs into and their outputs out of.
 */

/** The kernel's linear memory: what the JS API's WebAssembly.Memory offers that is used here. */
interface Memory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** Node's WebAssembly global, typed here: the project's libs (ES2023, node) do not declare it. */
const wasm = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (bytes: Uint8Array) => CompiledKernel;
      Instance: new (module: CompiledKernel) => { exports: Record<string, unknown> };
    };
  }
).WebAssembly;

const PAGE_BYTES = 65536;

/** A compiled WebAssembly module, to instantiate once per memory wanted. */
export type CompiledKernel = object & { readonly __compiledKernel?: never };

export interface WasmKernel {
  /** the module's exported functions */
  readonly exports: Record<string, unknown>;
  /** The memory's buffer, grown to at least `bytes` first (growing detaches views of the old buffer). */
  reserve(bytes: number): ArrayBuffer;
}

/** Compiles the built kernel at `file` (a `wasm/<name>.wasm` beside its `.wat`). */
export function compileKernel(file: URL): CompiledKernel {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (cause) {
    const source = file.pathname.replace(/\.wasm$/, ".wat");
    throw new ModelserveError(
      ErrorCodes.MODEL_LOAD_FAILED,
      `the kernel ${file.pathname} is missing: it is built from ${source} by \`npm run build\``,
      { cause },
    );
  }
  return new wasm.Module(bytes);
}

/** A new instance of a compiled kernel, with a memory of its own: its exports. */
export function instantiate(compiled: CompiledKernel): Record<string, unknown> {
  return new wasm.Instance(compiled).exports;
}

/** Instantiates common/wasm/<name>.wasm, which must export its memory as "memory". */
export function loadKernel(name: string): WasmKernel {
  const exports = instantiate(compileKernel(new URL(`./wasm/${name}.wasm`, import.meta.url)));
  const memory = exports.memory as Memory;
  return {
    exports,
    reserve(needed: number): ArrayBuffer {
      const missing = needed - memory.buffer.byteLength;
      if (missing > 0) memory.grow(Math.ceil(missing / PAGE_BYTES));
      return memory.buffer;
    },
  };
}
