import { spawn } from "node:child_process";
import { openSync, readFileSync, writeFileSync } from "node:fs";
import { identify } from "./process-identity.js";
import type { ExitFile, LaunchFile, ProcessesFile } from "./run-folder.js";
import { runFolder } from "./run-folder.js";

/**
 * The detached parent of a local run's server. It exists so that how the server ended (exit code, or the
 * signal that killed it, SIGKILL included) is written down even when nobody who started the run is
 * still alive to see it. It forwards SIGTERM/SIGINT to the server for a graceful stop.
 *
 * Usage: node supervisor.js <MODELSERVE_HOME> <run id>
 */
const [home, runId] = process.argv.slice(2);
const folder = runFolder(home, runId);
const launch = JSON.parse(readFileSync(folder.launch, "utf8")) as LaunchFile;
const log = openSync(folder.log, "a");

const server = spawn(process.execPath, launch.argv, { stdio: ["ignore", log, log], cwd: folder.dir });
if (server.pid !== undefined) {
  const processes: ProcessesFile = { supervisor: identify(process.pid), server: identify(server.pid) };
  writeFileSync(folder.processes, JSON.stringify(processes));
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => server.kill(signal));
}
server.on("error", (e) => {
  writeFileSync(log, `cannot start the server process: ${e.message}\n`);
  const exit: ExitFile = { code: null, signal: null, time: new Date().toISOString() };
  writeFileSync(folder.exit, JSON.stringify(exit));
  process.exit(0);
});
server.on("exit", (code, signal) => {
  const exit: ExitFile = { code, signal, time: new Date().toISOString() };
  writeFileSync(folder.exit, JSON.stringify(exit));
  process.exit(0);
});
