import { readFileSync, writeFileSync } from "node:fs";
import { startServer } from "../../server/index.js";
import type { LaunchFile, ReadyFile } from "./run-folder.js";
import { runFolder } from "./run-folder.js";

/**
 * The server process of a local run. Unlike `modelserve start`, which keeps serving when a model fails
 * to load, a run serves exactly one model: if it cannot load, the process says why and exits 1, so the
 * run becomes ERROR with the loader's message and nothing is left running.
 *
 * Usage (by the supervisor): node server-entry.js <MODELSERVE_HOME> <run id>
 */
const [home, runId] = process.argv.slice(2);
const folder = runFolder(home, runId);
const launch = JSON.parse(readFileSync(folder.launch, "utf8")) as LaunchFile;

let server: Awaited<ReturnType<typeof startServer>>;
try {
  server = await startServer(
    { host: launch.host, http_port: launch.http_port, grpc_port: launch.grpc_port },
    { modelsDir: folder.models },
  );
} catch (e) {
  const err = e as NodeJS.ErrnoException;
  console.error(
    err.code === "EADDRINUSE"
      ? `cannot listen: port ${launch.http_port} or ${launch.grpc_port} on ${launch.host} is already in use`
      : `cannot start the server: ${err.message}`,
  );
  process.exit(1);
}

const failed = (await server.dataplane.repositoryIndex()).filter((m) => m.state !== "READY");
if (failed.length > 0) {
  for (const m of failed) console.error(`model ${m.name} failed to load: ${m.reason}`);
  await server.close();
  process.exit(1);
}

const ready: ReadyFile = {
  host: server.http.host,
  http_port: server.http.port,
  grpc_port: server.grpc?.port ?? 0,
};
writeFileSync(folder.ready, JSON.stringify(ready));

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (e: Error) => {
        console.error(`shutdown failed: ${e.message}`);
        process.exit(1);
      },
    );
  });
}
