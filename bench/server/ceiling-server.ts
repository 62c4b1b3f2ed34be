import { createServer } from "node:http";
import { serveAsChild } from "./reference-server.js";
import { REST_ANSWER } from "./workload.js";

/**
 * The ceiling: the least a Node.js HTTP server can do for an inference request on this machine. It
 * reads the whole body (as any server must) and answers a constant JSON of the same size as ours.
 * Run as a child process by run.ts; prints {"http": port} when listening and exits when stdin closes.
 */

const answer = Buffer.from(REST_ANSWER);
const server = createServer((req, res) => {
  req.on("data", () => {});
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "content-length": answer.byteLength });
    res.end(answer);
  });
});
serveAsChild(server);
