/**
 * One cold load, our side: a fresh Node.js process (modules imported first) times one loadEstimatorFile of
 * FILE and prints {"seconds": wall, "cpu": process CPU}, as load_once.py does for pickle.load.
 *
 *   node --import tsx bench/sklearn/load-once.ts FILE
 */
import "../../src/sklearn/index.js";
import { loadEstimatorFile } from "../../src/sklearn/load.js";

const file = process.argv[2];
if (file === undefined) throw new Error("usage: load-once.ts FILE");
const cpu = process.cpuUsage();
const t = process.hrtime.bigint();
await loadEstimatorFile(file);
const seconds = Number(process.hrtime.bigint() - t) / 1e9;
const used = process.cpuUsage(cpu);
process.stdout.write(`${JSON.stringify({ seconds, cpu: (used.user + used.system) / 1e6 })}\n`);
