/**
 * Parse-time benchmark: our reader against Python's pickle.load / joblib.load on the same files.
 *
 *   npx tsx bench/pickle/parse.ts [python]     (python defaults to /work/venvs/sk1.9/bin/python)
 *
 * The Python side makes the models (a ~9 MB and a ~67 MB random forest) in a temporary folder the first
 * time, then prints its own load times (pickle.loads / joblib.load build the scikit-learn objects). We time
 * readJoblib (parse only: allow-list on, every array decoded but the numeric fields of structured arrays,
 * such as a tree's nodes, which are read when an estimator asks for them) and loadEstimator (parse + the
 * TypeScript estimators built). Both sides report the median CPU time per load.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readJoblib } from "../../src/pickle/index.js";
import "../../src/sklearn/index.js";
import { loadEstimator } from "../../src/sklearn/load.js";

const python = process.argv[2] ?? "/work/venvs/sk1.9/bin/python";
const dir = join(tmpdir(), "modelserve-bench-pickle");
const script = join(import.meta.dirname, "python_load.py");
const reference: Record<string, { bytes: number; python_ms: number }> = JSON.parse(
  execFileSync(python, [script, dir], { encoding: "utf8", maxBuffer: 1 << 20 }),
);
const anySklearn = { isAllowed: (cls: string) => cls.startsWith("sklearn."), supported: "" };

/** Median CPU time (user + system) of `runs` calls, like the Python side: the machine may be shared. */
function medianMs(fn: () => void, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.cpuUsage();
    fn();
    const d = process.cpuUsage(t);
    times.push((d.user + d.system) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

console.log(
  "file                 size (MB)  python load (ms CPU)  our parse (ms CPU)  our load (ms CPU)  load ratio",
);
for (const [file, { bytes, python_ms }] of Object.entries(reference)) {
  const data = readFileSync(join(dir, file));
  const runs = bytes > 50e6 ? 5 : 15;
  readJoblib(data, { classes: anySklearn }); // warm-up
  const parse = medianMs(() => readJoblib(data, { classes: anySklearn }), runs);
  loadEstimator(data);
  const load = medianMs(() => loadEstimator(data), runs);
  console.log(
    `${file.padEnd(20)} ${(bytes / 1e6).toFixed(1).padStart(9)}  ${python_ms.toFixed(1).padStart(20)}  ` +
      `${parse.toFixed(1).padStart(18)}  ${load.toFixed(1).padStart(17)}  ${(load / python_ms).toFixed(2).padStart(9)}x`,
  );
}
