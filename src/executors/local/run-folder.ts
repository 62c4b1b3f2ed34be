import { join } from "node:path";
import type { ProcessIdentity } from "./process-identity.js";

/**
 * Where a local run keeps its files: `$MODELSERVE_HOME/runs/<run id>/`. The folder is the run's only link
 * to its detached server, so a later process (another script, the CLI) can find, check and stop it.
 */
export interface RunFolder {
  dir: string;
  /** the MLServer-style model repository the server loads (one model-settings.json) */
  models: string;
  /** what the supervisor launches: argv and server settings */
  launch: string;
  /** the server's stdout and stderr */
  log: string;
  /** written by the supervisor once the server process exists: both processes' identities */
  processes: string;
  /** written by the server once it listens and the model is loaded: the bound ports */
  ready: string;
  /** written by the supervisor when the server exited: exit code or signal */
  exit: string;
}

export function runFolder(home: string, runId: string): RunFolder {
  const dir = join(home, "runs", runId);
  return {
    dir,
    models: join(dir, "models"),
    launch: join(dir, "launch.json"),
    log: join(dir, "server.log"),
    processes: join(dir, "processes.json"),
    ready: join(dir, "ready.json"),
    exit: join(dir, "exit.json"),
  };
}

export interface LaunchFile {
  /** node arguments for the server entry (loader flags included when running from sources) */
  argv: string[];
  host: string;
  http_port: number;
  grpc_port: number;
}

export interface ProcessesFile {
  supervisor: ProcessIdentity;
  server: ProcessIdentity;
}

export interface ReadyFile {
  host: string;
  http_port: number;
  grpc_port: number;
}

export interface ExitFile {
  code: number | null;
  signal: string | null;
  time: string;
}
