import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { manifestsToYaml } from "../../src/executors/kubernetes/manifests.js";
import type { KubeObject } from "../../src/executors/kubernetes/objects.js";

const dir = join(dirname(fileURLToPath(import.meta.url)), "golden");

/**
 * The golden objects of `name` (test/k8s/golden/<name>.yaml). With UPDATE_GOLDEN=1 the file is
 * (re)written from `actual` first, to be reviewed in the diff; otherwise a missing file is an error.
 */
export function golden(name: string, actual: KubeObject[]): KubeObject[] {
  const path = join(dir, `${name}.yaml`);
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(path, manifestsToYaml(actual));
  if (!existsSync(path))
    throw new Error(`missing golden file ${path}: run the test once with UPDATE_GOLDEN=1 and review it`);
  return parseAllDocuments(readFileSync(path, "utf8")).map((d) => d.toJSON() as KubeObject);
}
