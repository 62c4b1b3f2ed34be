import { grpcCallers } from "./grpc-load.js";

/** One gRPC load process: argv port, connections, seconds; prints its latencies as JSON. */

const [port, connections, seconds] = process.argv.slice(2).map(Number);
const sample = await grpcCallers(port, connections, seconds);
process.stdout.write(JSON.stringify(sample));
