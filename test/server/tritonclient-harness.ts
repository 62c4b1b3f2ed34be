import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type ServerHandle, startServer } from "../../src/server/index.js";

/**
 * Runs the official-client scripts in test/server/clients/ with the Python venv that
 * scripts/setup-python-clients.sh makes. A missing venv is an error, never a skip.
 */

const venv = `${process.env.MODELSERVE_VENVS ?? "/work/venvs"}/clients`;
const python = `${venv}/bin/python`;
const clients = fileURLToPath(new URL("./clients/", import.meta.url));

/** Our server as `modelserve start` runs it (REST and gRPC on free loopback ports) with two noop models. */
export function startNoopServer(): Promise<ServerHandle> {
  return startServer(
    { host: "127.0.0.1", http_port: 0, grpc_port: 0, log_level: "warn" },
    {
      models: [
        { name: "echo", implementation: "noop" },
        {
          name: "summer",
          implementation: "noop",
          parameters: { mode: "sum" },
          inputs: [{ name: "x", datatype: "FP32", shape: [-1, 3] }],
          outputs: [{ name: "sum", datatype: "FP64", shape: [-1, 1] }],
        },
      ],
    },
  );
}

export function requireClientsVenv(): void {
  if (!existsSync(python)) {
    throw new Error(
      `the tritonclient venv is missing (${python}): create it with 'bash scripts/setup-python-clients.sh' (MODELSERVE_VENVS moves it)`,
    );
  }
}

/** Runs clients/<script> with args; resolves with its stdout parsed as JSON, rejects with its stderr. */
export function runClient<T>(script: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(
      python,
      [`${clients}${script}`, ...args],
      { cwd: clients, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${script} failed (${error.message}):\n${stderr}`));
        else resolve(JSON.parse(stdout) as T);
      },
    );
  });
}

/** The 13 V2 datatypes, sorted as the client scripts report them. */
export const ALL_DATATYPES = [
  "BOOL",
  "BYTES",
  "FP16",
  "FP32",
  "FP64",
  "INT16",
  "INT32",
  "INT64",
  "INT8",
  "UINT16",
  "UINT32",
  "UINT64",
  "UINT8",
];
