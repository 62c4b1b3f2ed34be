import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { cpuSecondsOfTree } from "./cpu.js";
import { onServerCpu } from "./pinning.js";

/** Starting and stopping the benchmarked servers, each in its own process on the servers' CPU (pinning.ts). */

export interface Running {
  ports: { http: number; grpc?: number };
  /** user + system CPU seconds the server's processes used so far */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  child.stdin?.end();
  child.kill("SIGTERM");
  const done = exited(child);
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await done;
  clearTimeout(timer);
}

/**
 * A Node.js server script (TypeScript, through tsx) that prints a JSON line {"http": port, "grpc"?: port}
 * once listening and exits when its stdin closes. Other stdout lines (its logs) are read and dropped, so a
 * full pipe never stalls it.
 */
export async function startNodeServer(script: string, args: string[] = []): Promise<Running> {
  const [command, commandArgs] = onServerCpu(process.execPath, ["--import", "tsx", script, ...args]);
  const child = spawn(command, commandArgs, { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! });
  const ports = await new Promise<Running["ports"]>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${script} exited (${code}) before listening`)));
    lines.on("line", (line) => {
      if (!line.startsWith('{"http":')) return;
      resolve(JSON.parse(line) as Running["ports"]);
    });
  });
  return { ports, cpuSeconds: () => cpuSecondsOfTree(child.pid!), stop: () => stopChild(child) };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

/** Polls an HTTP URL until it answers 200, or fails after `timeoutMs`. */
export async function waitFor200(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before it was ready`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/** `mlserver start <folder>` from a virtual environment, on free loopback ports; ready when the model is. */
export async function startMlserver(venv: string, folder: string, model: string): Promise<Running> {
  const [http, grpc, metrics] = [await freePort(), await freePort(), await freePort()];
  const [command, args] = onServerCpu(`${venv}/bin/mlserver`, ["start", folder]);
  const child = spawn(command, args, {
    cwd: folder,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      PYTHONPATH: folder,
      MLSERVER_HOST: "127.0.0.1",
      MLSERVER_HTTP_PORT: String(http),
      MLSERVER_GRPC_PORT: String(grpc),
      MLSERVER_METRICS_PORT: String(metrics),
    },
  });
  let log = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  try {
    await waitFor200(`http://127.0.0.1:${http}/v2/models/${model}/ready`, child, 120_000);
  } catch (e) {
    await stopChild(child);
    throw new Error(`MLServer did not start: ${(e as Error).message}\n${log}`);
  }
  return {
    ports: { http, grpc },
    cpuSeconds: () => cpuSecondsOfTree(child.pid!),
    stop: () => stopChild(child),
  };
}
