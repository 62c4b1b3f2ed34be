import type { Server } from "node:http";

/**
 * Runs a reference node:http server (the ceiling, the JSON echo) as run.ts expects of a child process:
 * keep-alive as long as a load run, {"http": port} printed once listening, exit when stdin closes.
 */
export function serveAsChild(server: Server): void {
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no TCP address");
    process.stdout.write(`${JSON.stringify({ http: address.port })}\n`);
  });
  process.stdin.resume();
  process.stdin.on("end", () => process.exit(0));
}
