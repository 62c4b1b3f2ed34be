import { stat } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Command, Option } from "commander";
import { ErrorCodes, ModelserveError } from "../../errors.js";
import type { FunctionKind } from "../../sdk/types.js";
import { type ServerHandle, startServer } from "../../server/index.js";
import { fetchModel } from "../../sources/index.js";
import { downloadProgress } from "../progress.js";

/** The bundled example (an iris classifier), served when no path is given. */
export const EXAMPLE_MODEL = fileURLToPath(new URL("../../../examples/iris/model.pkl", import.meta.url));
const EXAMPLE_ROW = [5.1, 3.5, 1.4, 0.2];

const RUNTIME_OF_KIND: Record<string, string> = {
  sklearnserve: "sklearn",
  mlflowserve: "mlflow",
  huggingfaceserve: "huggingface",
  sklearn: "sklearn",
  mlflow: "mlflow",
  huggingface: "huggingface",
};

interface ServeOptions {
  kind?: FunctionKind | string;
  name?: string;
  host: string;
  port: string;
  grpcPort: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("serve")
    .description(
      "serve one model in the foreground (no path: the bundled iris example); Ctrl-C stops it gracefully",
    )
    .argument("[model-path]", "a .pkl/.joblib file, an MLflow folder, s3://, hf:// or store:// location")
    .addOption(
      new Option("-k, --kind <kind>", "model kind (default: from the path)").choices(
        Object.keys(RUNTIME_OF_KIND),
      ),
    )
    .option("-n, --name <name>", "model name in the V2 URLs (default: from the file name)")
    .option("--host <host>", "address to bind", "127.0.0.1")
    .option("--port <port>", "HTTP port (0: any free port)", "8080")
    .option("--grpc-port <port>", "gRPC port (0: any free port)", "8081")
    .option("--json", "print the endpoints as one JSON line instead of the banner")
    .action(async (path: string | undefined, options: ServeOptions) => {
      const server = await serveModel(path, options);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.stderr.write("stopping (finishing in-flight requests)...\n");
          server.close().then(resolve, resolve);
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}

async function serveModel(path: string | undefined, options: ServeOptions): Promise<ServerHandle> {
  const uri = path ?? EXAMPLE_MODEL;
  const progress = downloadProgress();
  const local = await fetchModel(uri, { onProgress: progress.onProgress });
  progress.done();
  const implementation = options.kind ? RUNTIME_OF_KIND[options.kind] : await runtimeFromPath(local);
  const name = options.name ?? (path === undefined ? "iris" : modelNameFrom(uri));
  let server: ServerHandle;
  try {
    server = await startServer(
      {
        host: options.host,
        http_port: port(options.port, "--port"),
        grpc_port: port(options.grpcPort, "--grpc-port"),
        log_level: "warn",
      },
      { models: [{ name, implementation, parameters: { uri: local } }] },
    );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new ModelserveError(
        ErrorCodes.EXECUTION_FAILED,
        `port ${options.port} or ${options.grpcPort} is already in use: pick others with --port/--grpc-port (0 for any free port)`,
      );
    }
    throw e;
  }
  const failed = (await server.dataplane.repositoryIndex()).find((m) => m.state !== "READY");
  if (failed) {
    await server.close();
    throw new ModelserveError(ErrorCodes.MODEL_LOAD_FAILED, `cannot serve ${uri}: ${failed.reason}`);
  }
  const infer = `${server.httpUrl}/v2/models/${encodeURIComponent(name)}/infer`;
  const grpc = server.grpc && `${server.grpc.host}:${server.grpc.port}`;
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ model: name, implementation, http: server.httpUrl, infer, grpc })}\n`,
    );
    return server;
  }
  const example = JSON.stringify(await exampleRequest(server, name, path === undefined));
  process.stdout.write(
    [
      `serving ${name} (${implementation}) from ${uri}`,
      `  infer    POST ${infer}`,
      `  metadata GET  ${server.httpUrl}/v2/models/${encodeURIComponent(name)}`,
      ...(grpc ? [`  gRPC     ${grpc} (inference.GRPCInferenceService)`] : []),
      `  docs     ${server.httpUrl}/v2/docs    metrics ${server.httpUrl}/metrics`,
      "try:",
      `  curl -s ${infer} -H 'content-type: application/json' -d '${example}'`,
      "",
    ].join("\n"),
  );
  return server;
}

/**
 * A one-row request the model accepts: the iris example's first flower, else a zero (or empty string) for
 * every declared input (an MLflow model declares one per signature column), with the model's content type.
 */
async function exampleRequest(server: ServerHandle, name: string, bundled: boolean) {
  if (bundled)
    return {
      inputs: [{ name: "input-0", shape: [1, EXAMPLE_ROW.length], datatype: "FP64", data: EXAMPLE_ROW }],
    };
  const meta = await server.dataplane.modelMetadata(name);
  const declared =
    meta.inputs.length > 0 ? meta.inputs : [{ name: "input-0", datatype: "FP64", shape: [-1, 1] }];
  const inputs = declared.map((input) => {
    const shape = [1, ...input.shape.slice(1).map((d) => (d > 0 ? d : 1))];
    const count = shape.reduce((a, b) => a * b, 1);
    const zero = input.datatype === "BYTES" ? "" : input.datatype === "BOOL" ? false : 0;
    return { name: input.name, shape, datatype: input.datatype, data: new Array(count).fill(zero) };
  });
  const contentType = meta.parameters?.content_type;
  return typeof contentType === "string" ? { parameters: { content_type: contentType }, inputs } : { inputs };
}

async function runtimeFromPath(local: string): Promise<string> {
  const ext = extname(local).toLowerCase();
  if (ext === ".pkl" || ext === ".joblib" || ext === ".pickle") return "sklearn";
  if (ext === ".zip") return "mlflow";
  if ((await stat(local)).isDirectory()) {
    if (await exists(join(local, "MLmodel"))) return "mlflow";
    if (await exists(join(local, "config.json"))) return "huggingface";
  }
  throw new ModelserveError(
    ErrorCodes.USAGE,
    `cannot tell the model kind of ${local}: pass --kind (sklearn: .pkl/.joblib; mlflow: a folder with MLmodel; huggingface: a folder with config.json)`,
  );
}

function modelNameFrom(uri: string): string {
  const base = basename(uri.replace(/\/+$/, "")).replace(/\.(pkl|joblib|pickle|zip)$/i, "");
  return base.replace(/[^A-Za-z0-9._-]/g, "-") || "model";
}

function port(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new ModelserveError(ErrorCodes.USAGE, `${flag} ${value} is not a port number (0-65535)`);
  }
  return n;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
