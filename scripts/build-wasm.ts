/**
 * Compiles every WebAssembly text file under src/ (*.wat) with wabt into the .wasm the code loads: next to
 * the source, for tests and tsx runs from src/, and at the same place under dist/ for the built package.
 * Part of `npm run build`; the .wasm files are build outputs, not committed.
 *
 *   node --import tsx scripts/build-wasm.ts
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import initWabt from "wabt";

const ROOT = join(import.meta.dirname, "..");

/** The .wasm bytes of a .wat file (SIMD included: wabt enables it by default). */
export async function compileWat(path: string): Promise<Uint8Array> {
  const wabt = await initWabt();
  const module = wabt.parseWat(path, readFileSync(path, "utf8"));
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

async function main(): Promise<void> {
  const src = join(ROOT, "src");
  const sources = readdirSync(src, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".wat"));
  for (const file of sources) {
    const bytes = await compileWat(join(src, file));
    const wasm = file.replace(/\.wat$/, ".wasm");
    for (const out of [join(src, wasm), join(ROOT, "dist", wasm)]) {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, bytes);
    }
    console.log(`src/${file} → ${wasm} in src/ and dist/ (${bytes.length} bytes)`);
  }
}

if (process.argv[1] === import.meta.filename) await main();
