/**
 * A second process for the store tests: `node --import tsx writer.ts <home> <project> <count> <tag> <writers>`.
 * Waits until all <writers> processes are up (a barrier in the store itself, so they really write at
 * the same time), then creates <count> versions of function "shared" and increments the counter run <count> times through
 * read-modify-write updates, interleaving both, then prints what it wrote as JSON.
 */
import { getOrCreateProject } from "../../src/sdk/api.js";
import { closeStores, resolveContext } from "../../src/sdk/context.js";
import type { RunEntity } from "../../src/sdk/types.js";

const [home, projectName, countText, tag, writersText] = process.argv.slice(2);
const count = Number(countText);
const writers = Number(writersText);
const project = await getOrCreateProject(projectName, { home });
const { store } = resolveContext({ home });
await store.update<RunEntity>("run", projectName, "counter", (run) => ({
  ...run,
  status: { ...run.status, ready: ((run.status.ready as number | undefined) ?? 0) + 1 },
}));
while (((await store.get<RunEntity>("run", projectName, "counter"))?.status.ready as number) < writers) {
  await new Promise((resolve) => setTimeout(resolve, 5));
}
const ids: string[] = [];
for (let i = 0; i < count; i++) {
  const fn = await project.newFunction({ name: "shared", kind: "sklearnserve", path: `${tag}-${i}.pkl` });
  ids.push(fn.id);
  await store.update<RunEntity>("run", projectName, "counter", (run) => ({
    ...run,
    status: { ...run.status, count: (run.status.count as number) + 1, [`last_${tag}`]: i },
  }));
}
closeStores();
process.stdout.write(JSON.stringify({ ids }));
