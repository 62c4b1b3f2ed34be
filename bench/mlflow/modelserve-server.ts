import { startServer } from "../../src/server/index.js";

/**
 * modelserve serving one MLflow model folder (argv[2]) with default settings on a free loopback port, as
 * `modelserve serve` would: /invocations answers for it. Run as a child process by run.ts; prints
 * {"http": port} when listening and closes when stdin closes.
 */

const dir = process.argv[2];
if (dir === undefined) throw new Error("usage: modelserve-server.ts <MLflow model folder>");
const server = await startServer(
  { host: "127.0.0.1", http_port: 0, grpc_enabled: false, log_level: "warn" },
  { models: [{ name: "model", implementation: "mlflow", uri: dir }] },
);
process.stdout.write(`${JSON.stringify({ http: server.http.port })}\n`);
process.stdin.resume();
process.stdin.on("end", () => {
  void server.close().then(() => process.exit(0));
});
