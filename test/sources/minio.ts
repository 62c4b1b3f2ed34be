import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Starts a real MinIO server (built from its Go module by scripts/setup-minio.sh) on loopback with a
 * throw-away data folder.
 */
export interface Minio {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  stop(): Promise<void>;
}

export function minioBinary(): string {
  const bin = process.env.MODELSERVE_MINIO ?? join(homedir(), ".cache", "modelserve-minio", "bin", "minio");
  if (!existsSync(bin)) {
    throw new Error(
      `MinIO is not installed at ${bin}: run scripts/setup-minio.sh (it builds it from its Go module)`,
    );
  }
  return bin;
}

export async function startMinio(): Promise<Minio> {
  const bin = minioBinary();
  const data = await mkdtemp(join(tmpdir(), "ms-minio-"));
  const [port, consolePort] = [await freePort(), await freePort()];
  const accessKey = "modelserve";
  const secretKey = "modelserve-secret";
  const child: ChildProcess = spawn(
    bin,
    [
      "server",
      data,
      "--address",
      `127.0.0.1:${port}`,
      "--console-address",
      `127.0.0.1:${consolePort}`,
      "--quiet",
    ],
    {
      env: {
        ...process.env,
        MINIO_ROOT_USER: accessKey,
        MINIO_ROOT_PASSWORD: secretKey,
        MINIO_BROWSER: "off",
      },
      stdio: "ignore",
    },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`MinIO exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${endpoint}/minio/health/live`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("MinIO did not become live within 30 s");
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    accessKey,
    secretKey,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      await rm(data, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}
