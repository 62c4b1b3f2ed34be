import { afterAll, beforeAll } from "vitest";
import type { KubeClient } from "../../src/executors/kubernetes/client.js";
import { KubernetesExecutor } from "../../src/executors/kubernetes/executor.js";
import type { KubeObject } from "../../src/executors/kubernetes/objects.js";
import type { Profiles } from "../../src/executors/kubernetes/profiles.js";
import { DEFAULT_IMAGES } from "../../src/executors/kubernetes/settings.js";
import type { FunctionKind, RunEntity, RunSpec } from "../../src/sdk/types.js";
import {
  applyUpdate,
  createNamespace,
  deleteNamespace,
  eventually,
  normalize,
  testClient,
  testKubeconfig,
} from "./cluster.js";
import { makeRun } from "./runs.js";

export const CREDENTIALS = {
  AWS_ACCESS_KEY_ID: "test-access-key",
  AWS_SECRET_ACCESS_KEY: "test-secret",
  AWS_ENDPOINT_URL: "http://minio.test:9000",
};

export interface ClusterSuite {
  client: KubeClient;
  namespace: string;
  executor: KubernetesExecutor;
  /** a run with an id made from `tag` (stable, so golden names do not change) */
  newRun(kind: FunctionKind, tag: number, spec: Partial<RunSpec>): RunEntity;
  /** start, then refresh until the state is reached (the last message is in the error otherwise) */
  startUntil(run: RunEntity, state: string): Promise<RunEntity>;
  refreshUntil(run: RunEntity, state: string): Promise<RunEntity>;
  start(run: RunEntity): Promise<RunEntity>;
  stop(run: RunEntity): Promise<RunEntity>;
  resume(run: RunEntity): Promise<RunEntity>;
  /** the run's objects as stored, normalised (see normalize) */
  storedObjects(run: RunEntity): Promise<KubeObject[]>;
}

/** One namespace and one executor per test file, on the control plane of scripts/k8s/up.sh. */
export function clusterSuite(prefix: string, profiles: Profiles = {}): ClusterSuite {
  const suite = {} as ClusterSuite;
  beforeAll(async () => {
    suite.client = testClient();
    suite.namespace = await createNamespace(suite.client, prefix);
    // pvc:// model paths in the tests name these claims; bound volumes let the scheduler place pods.
    for (const claim of ["models", "m"]) {
      await suite.client.apply({
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: { name: `${suite.namespace}-${claim}` },
        spec: {
          capacity: { storage: "1Gi" },
          accessModes: ["ReadOnlyMany"],
          hostPath: { path: `/tmp/${claim}` },
          storageClassName: "",
          claimRef: { namespace: suite.namespace, name: claim },
        },
      });
      await suite.client.apply({
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: claim, namespace: suite.namespace },
        spec: {
          accessModes: ["ReadOnlyMany"],
          resources: { requests: { storage: "1Gi" } },
          storageClassName: "",
          volumeName: `${suite.namespace}-${claim}`,
        },
      });
    }
    suite.executor = new KubernetesExecutor({
      kubeconfig: testKubeconfig(),
      settings: { namespace: suite.namespace, images: DEFAULT_IMAGES, profiles },
      env: CREDENTIALS,
    });
  }, 120_000);
  afterAll(async () => {
    await suite.executor?.close();
    if (suite.namespace !== undefined) await deleteNamespace(suite.client, suite.namespace);
  });
  suite.newRun = (kind, tag, spec) =>
    makeRun(kind, `${String(tag).padStart(2, "0")}${"ab".repeat(15)}`, spec);
  suite.start = async (run) => applyUpdate(run, await suite.executor.start(run));
  suite.stop = async (run) =>
    applyUpdate({ ...run, status: { ...run.status, state: "STOP" } }, await suite.executor.stop(run));
  suite.resume = async (run) =>
    applyUpdate({ ...run, status: { ...run.status, state: "RESUME" } }, await suite.executor.resume(run));
  suite.refreshUntil = (run, state) => {
    let current = run;
    return eventually(async () => {
      current = applyUpdate(current, await suite.executor.refresh(current));
      if (current.status.state !== state)
        throw new Error(`state ${current.status.state}: ${current.status.message}`);
      return current;
    });
  };
  suite.startUntil = async (run, state) => {
    const started = await suite.start(run);
    return started.status.state === state ? started : suite.refreshUntil(started, state);
  };
  suite.storedObjects = async (run) => {
    const rendered = await suite.executor.render(run, suite.namespace);
    const out: KubeObject[] = [];
    for (const o of [rendered.root, ...rendered.supporting, ...rendered.workload]) {
      const stored = await suite.client.read(o.apiVersion, o.kind, suite.namespace, o.metadata.name);
      if (stored === undefined) throw new Error(`${o.kind} ${o.metadata.name} was not created`);
      out.push(normalize(stored, suite.namespace));
    }
    return out;
  };
  return suite;
}
