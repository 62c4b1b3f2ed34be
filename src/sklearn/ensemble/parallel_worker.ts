import { parentPort } from "node:worker_threads";
import { claimChunks, DONE, PENDING, type ToWorker } from "./parallel.js";
import { predictRows, type TreePack } from "./tree_pack.js";

/**
 * A thread of the tree pool (parallel.ts): keeps the packs it was sent (on shared buffers: the same memory
 * as the caller's), and for each job claims chunks of rows, writes their predictions into the job's shared
 * output, and marks each chunk done, unless the caller took it back meanwhile.
 */

const packs = new Map<number, TreePack>();
let crashInNextJob = false;

parentPort?.postMessage("started");
parentPort?.on("message", (message: ToWorker) => {
  if (message.type === "pack") {
    packs.set(message.id, message.pack);
    return;
  }
  if (message.type === "drop") {
    packs.delete(message.id);
    return;
  }
  if (message.type === "crash") {
    crashInNextJob = true;
    return;
  }
  const job = message;
  const pack = packs.get(job.packId);
  if (pack === undefined) throw new Error(`tree worker: no pack ${job.packId}`);
  const { control } = job;
  claimChunks(job, (r0, r1) => {
    if (crashInNextJob) throw new Error("tree worker: crashing as the test asked, holding a chunk");
    predictRows(pack, job.X, job.cols, r0, r1, job.out, job.start);
    const c = r0 / job.chunkRows;
    if (Atomics.compareExchange(control, 1 + c, PENDING, DONE) === PENDING) Atomics.notify(control, 1 + c);
  });
  if (crashInNextJob) throw new Error("tree worker: crashing as the test asked");
});
