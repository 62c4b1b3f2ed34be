import { spawn } from "node:child_process";
import { cpuSecondsOfTree } from "../server/cpu.js";
import { freePort, type Running, waitFor200 } from "../server/processes.js";

/**
 * `mlflow models serve -m <folder> --env-manager local` from the mlflow venv (uvicorn, one worker, its
 * default), on a free loopback port; ready when /ping answers 200. Stopped with its process group.
 */
export async function startMlflowServer(venv: string, folder: string): Promise<Running> {
  const http = await freePort();
  const child = spawn(
    `${venv}/bin/mlflow`,
    ["models", "serve", "-m", folder, "--env-manager", "local", "-h", "127.0.0.1", "-p", String(http)],
    {
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
      // mlflow runs `uvicorn` by name: the venv's bin must come first on PATH
      env: { ...process.env, PATH: `${venv}/bin:${process.env.PATH ?? ""}` },
    },
  );
  let log = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(-child.pid!, "SIGTERM");
    const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitFor200(`http://127.0.0.1:${http}/ping`, child, 120_000);
  } catch (e) {
    await stop();
    throw new Error(`mlflow models serve did not start: ${(e as Error).message}\n${log}`);
  }
  return { ports: { http }, cpuSeconds: () => cpuSecondsOfTree(child.pid!), stop };
}
