import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { ErrorCodes, ModelserveError } from "../../errors.js";
import { startServer } from "../../server/index.js";
import { modelSettingsFromEnv } from "../../server/model-settings.js";
import { loadServerSettings } from "../../server/settings.js";

/**
 * `modelserve start <folder>`, as `mlserver start`: serves every model-settings.json under the folder,
 * with server settings from <folder>/settings.json and MODELSERVE_* / MLSERVER_* variables, in the
 * foreground until SIGTERM or SIGINT, which stop it gracefully (in-flight requests finish, exit 0).
 */

interface StartOptions {
  settings?: string;
  host?: string;
  httpPort?: string;
  grpcPort?: string;
  grpc: boolean;
}

function port(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new ModelserveError(ErrorCodes.USAGE, `${flag} ${value} is not a port number (0-65535)`);
  }
  return n;
}

async function requireFolder(folder: string): Promise<void> {
  const info = await stat(folder).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) {
    throw new ModelserveError(
      ErrorCodes.USAGE,
      `${folder} is not a folder; expected a folder with model-settings.json files (one per model)`,
    );
  }
}

export function register(program: Command): void {
  program
    .command("start")
    .description(
      "start the inference server in the foreground for every model-settings.json under a folder (MLServer style); SIGTERM/Ctrl-C stop it gracefully",
    )
    .argument("[folder]", "folder with model-settings.json files and an optional settings.json", ".")
    .option("--settings <file>", "server settings file (default: <folder>/settings.json)")
    .option("--host <host>", "address to bind (default 0.0.0.0)")
    .option("--http-port <port>", "REST port (default 8080; 0: any free port)")
    .option("--grpc-port <port>", "gRPC port (default 8081; 0: any free port)")
    .option("--no-grpc", "do not start the gRPC transport")
    .action(async (folder: string, options: StartOptions) => {
      const root = resolve(folder);
      await requireFolder(root);
      const overrides: Record<string, unknown> = {};
      if (options.host !== undefined) overrides.host = options.host;
      if (options.httpPort !== undefined) overrides.http_port = port(options.httpPort, "--http-port");
      if (options.grpcPort !== undefined) overrides.grpc_port = port(options.grpcPort, "--grpc-port");
      if (!options.grpc) overrides.grpc_enabled = false;
      const settings = await loadServerSettings(
        options.settings ?? join(root, "settings.json"),
        process.env,
        overrides,
      );
      const fromEnv = modelSettingsFromEnv(process.env, root);
      const server = await startServer(settings, {
        modelsDir: root,
        models: fromEnv === undefined ? [] : [fromEnv],
      });
      await new Promise<void>((done) => {
        const stop = () => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          const deadline = setTimeout(done, settings.shutdown_timeout_seconds * 1000 + 1000);
          deadline.unref();
          server.close().then(done, done);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
    });
}
