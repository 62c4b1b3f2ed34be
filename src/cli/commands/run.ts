import { basename } from "node:path";
import { type Command, Option } from "commander";
import { resolveModelPath } from "../../sdk/api.js";
import { FUNCTION_KINDS, type FunctionKind, type RunEntity } from "../../sdk/types.js";
import { openProject } from "../options.js";
import { type OutputOptions, output } from "../output.js";
import { spinner } from "../progress.js";

interface RunCliOptions extends OutputOptions {
  kind: FunctionKind;
  path?: string;
  url?: string;
  name?: string;
  modelName?: string;
  local?: boolean;
  wait: boolean;
  timeout: string;
  dryRun?: boolean;
  output?: "yaml" | "json";
}

/** `modelserve run`: create (or version) a function and serve it, waiting until it answers. */
export function register(program: Command): void {
  program
    .command("run")
    .description("create a serve function and run it (locally with --local, else on Kubernetes)")
    .addOption(
      new Option("-k, --kind <kind>", "function kind").choices([...FUNCTION_KINDS]).makeOptionMandatory(),
    )
    .option("--path <path>", "model location (sklearnserve, mlflowserve, huggingfaceserve)")
    .option("--url <url>", "model url (kubeai-text, kubeai-speech)")
    .option("-n, --name <name>", "function name (default: from the path)")
    .option("--model-name <name>", "model name in the V2 URLs (default: the function name)")
    .option("--local", "serve on this machine (local_execution: true)")
    .option("--no-wait", "return once the run is started instead of waiting until it serves")
    .option("--timeout <seconds>", "how long to wait for the service", "300")
    .option("--json", "print the run as JSON")
    .option(
      "--dry-run",
      "print the Kubernetes objects the run would create, without running or applying anything",
    )
    .addOption(
      new Option("-o, --output <format>", "format of --dry-run output")
        .choices(["yaml", "json"])
        .default("yaml"),
    )
    .action(async (opts: RunCliOptions, command: Command) => {
      const project = await openProject(command, { create: true });
      const name = opts.name ?? nameFrom(opts.path ?? opts.url ?? opts.kind);
      const fn = await project.newFunction({
        name,
        kind: opts.kind,
        ...(opts.path === undefined ? {} : { path: opts.path }),
        ...(opts.url === undefined ? {} : { url: opts.url }),
        model_name: opts.modelName ?? name,
      });
      if (opts.dryRun) {
        await printManifests(
          await fn.plan({ action: "serve", local_execution: false }),
          opts.output ?? "yaml",
        );
        return;
      }
      const run = await fn.run({ action: "serve", local_execution: opts.local === true });
      if (opts.wait) {
        const spin = spinner(`waiting for run ${run.id} to serve...`);
        try {
          await run.wait({ timeoutMs: Number(opts.timeout) * 1000, intervalMs: 250 });
        } finally {
          spin.stop();
        }
      }
      output(opts, run, () =>
        run.status.service
          ? `run ${run.id} ${run.state}: http://${run.status.service.url}\n` +
            (run.status.inference_v2 ? `  infer POST ${run.status.inference_v2.inferenceUrl}\n` : "")
          : `run ${run.id} ${run.state}${run.status.message ? `: ${run.status.message}` : ""}\n`,
      );
    });
}

async function printManifests(run: RunEntity, format: "yaml" | "json"): Promise<void> {
  // imported here so that other commands never load the Kubernetes client
  const { manifestsToYaml, renderManifests } = await import("../../executors/kubernetes/manifests.js");
  const path = run.spec.path;
  const modelLocation = path?.startsWith("store://") ? await resolveModelPath(path) : undefined;
  const objects = renderManifests(run, { modelLocation });
  process.stdout.write(
    format === "json" ? `${JSON.stringify(objects, null, 2)}\n` : manifestsToYaml(objects),
  );
}

function nameFrom(location: string): string {
  const base = basename(location.replace(/\/+$/, "")).replace(/\.(pkl|joblib|pickle|zip)$/i, "");
  return base.replace(/[^A-Za-z0-9._+-]/g, "-") || "model";
}
