import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * A worker thread running the module `name` (no extension) that sits beside `base`, the caller's
 * `import.meta.url`. Under tsx/vitest the caller is TypeScript source and so is that module: the thread
 * then registers tsx's loader itself (a worker does not inherit the parent's --import hooks) before
 * importing it. Built code (dist/) starts the .js module directly.
 */
export function startModuleWorker(base: string, name: string, options: WorkerOptions = {}): Worker {
  const source = base.endsWith(".ts");
  const entry = new URL(`./${name}${source ? ".ts" : ".js"}`, base);
  if (!source) return new Worker(entry, options);
  const boot = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { ...options, eval: true, execArgv: [] });
}
