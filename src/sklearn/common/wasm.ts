import { readFileSync } from "node:fs";
import { ErrorCodes, ModelserveError } from "../../errors.js";

/**
 * The WebAssembly kernels of wasm/*.wat, built into wasm/*.wasm by `npm run build` (scripts/build-wasm.ts).
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
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object) => { exports: Record<string, unknown> };
    };
  }
).WebAssembly;

const PAGE_BYTES = 65536;

export interface WasmKernel {
  /** the module's exported functions */
  readonly exports: Record<string, unknown>;
  /** The memory's buffer, grown to at least `bytes` first (growing detaches views of the old buffer). */
  reserve(bytes: number): ArrayBuffer;
}

/** Instantiates wasm/<name>.wasm, which must export its memory as "memory". */
export function loadKernel(name: string): WasmKernel {
  const file = new URL(`./wasm/${name}.wasm`, import.meta.url);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (cause) {
    throw new ModelserveError(
      ErrorCodes.MODEL_LOAD_FAILED,
      `the kernel ${file.pathname} is missing: it is built from ${name}.wat by \`npm run build\``,
      { cause },
    );
  }
  const { exports } = new wasm.Instance(new wasm.Module(bytes));
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
