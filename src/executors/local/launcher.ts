import { spawn } from "node:child_process";
import { openSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * How to start one of this package's own scripts as a separate Node.js process, whether the package runs
 * compiled (dist/*.js) or from its TypeScript sources under tsx (tests, development): the script keeps
 * the current module's extension, and the tsx loader is passed along, by absolute URL so that it resolves
 * whatever the child's working folder, when it is a .ts file.
 */
export function nodeArgsFor(script: URL): string[] {
  const path = fileURLToPath(script);
  if (!path.endsWith(".ts")) return [path];
  // "tsx" exports its loader unconditionally, so require.resolve finds the same file `--import tsx` would.
  const loader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return ["--import", loader, path];
}

/** A sibling module's URL with this module's extension (.js compiled, .ts from sources). */
export function sibling(name: string): URL {
  const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  return new URL(`./${name}${ext}`, import.meta.url);
}

/**
 * Starts `script` detached from this process: it outlives the caller, as a deployment outlives kubectl.
 * Its own output goes to `logFile`, so even a crash before it could open anything is on record.
 */
export function spawnDetached(script: URL, args: string[], logFile: string): number {
  const log = openSync(logFile, "a");
  const child = spawn(process.execPath, [...nodeArgsFor(script), ...args], {
    detached: true,
    stdio: ["ignore", log, log],
  });
  child.unref();
  return child.pid!;
}
