import { startServer } from "../../src/server/index.js";
import { MODEL } from "./workload.js";

/**
 * modelserve as a user runs it (default settings, loopback, free ports) with one noop model that echoes
 * its input. Run as a child process by run.ts; prints {"http": port, "grpc": port} when listening and
 * closes gracefully when stdin closes.
 */

const server = await startServer(
  { host: "127.0.0.1", http_port: 0, grpc_port: 0 },
  { models: [{ name: MODEL, implementation: "noop" }] },
);
process.stdout.write(`${JSON.stringify({ http: server.http.port, grpc: server.grpc?.port })}\n`);
process.stdin.resume();
process.stdin.on("end", () => {
  void server.close().then(() => process.exit(0));
});
