import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { serveAsChild } from "./reference-server.js";
import { MODEL } from "./workload.js";

/**
 * The least a V2 server must do on Node.js beyond the ceiling's constant answer: read the body, JSON.parse
 * it, give the response an id and JSON.stringify the echoed inputs, with no validation at all. A second
 * reference beside the ceiling: it tells how much of the gap to the ceiling is that work itself.
 * Run as a child process by run.ts; prints {"http": port} when listening and exits when stdin closes.
 */

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const request = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { inputs: unknown };
    const body = JSON.stringify({ model_name: MODEL, id: randomUUID(), outputs: request.inputs });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});
serveAsChild(server);
