import type { Command } from "commander";
import { parseRef } from "../../sdk/keys.js";
import type { Run } from "../../sdk/run.js";
import type { RunState } from "../../sdk/types.js";
import { openProject } from "../options.js";
import { type Column, formatFields, formatTable, type OutputOptions, output, shortTime } from "../output.js";

function functionOf(run: Run): string | undefined {
  const ref = parseRef(run.spec.function);
  return ref === undefined ? run.spec.function : `${ref.name}:${ref.id?.slice(0, 8)}`;
}

const COLUMNS: Column<Run>[] = [
  { header: "ID", value: (r) => r.id },
  { header: "KIND", value: (r) => r.kind },
  { header: "FUNCTION", value: functionOf },
  { header: "STATE", value: (r) => r.state },
  { header: "SERVICE", value: (r) => r.status.service?.url },
  { header: "CREATED", value: (r) => shortTime(r.entity.metadata.created) },
];

function details(run: Run): string {
  const fields: Array<readonly [string, string | undefined]> = [
    ["id", run.id],
    ["key", run.key],
    ["function", run.spec.function],
    ["task", run.spec.task],
    ["state", run.state],
    ["message", run.status.message],
    ["service", run.status.service?.url],
    ["local", String(run.spec.local_execution)],
    ["created", shortTime(run.entity.metadata.created)],
    ["updated", shortTime(run.entity.metadata.updated)],
  ];
  const transitions = (run.status.transitions ?? []).map(
    (t) => `  ${shortTime(t.time)}  ${t.status}${t.message ? `  ${t.message}` : ""}`,
  );
  return transitions.length > 0
    ? `${formatFields(fields)}transitions:\n${transitions.join("\n")}\n`
    : formatFields(fields);
}

export function register(program: Command): void {
  const runs = program.command("runs").description("inspect runs (served functions)");

  runs
    .command("list")
    .description("list runs, newest first")
    .option("--state <state>", "only runs in this state (e.g. RUNNING)")
    .option("--function <name>", "only runs of this function")
    .option("--json", "print JSON")
    .action(async (opts: OutputOptions & { state?: RunState; function?: string }, command: Command) => {
      const project = await openProject(command);
      const list = await project.listRuns({ state: opts.state, function: opts.function });
      output(opts, list, () => formatTable(list, COLUMNS));
    });

  runs
    .command("get")
    .description("show a run with its status and transitions")
    .argument("<id>", "run id")
    .option("--json", "print the entity as JSON")
    .option("--yaml", "print the entity as YAML")
    .action(async (id: string, opts: OutputOptions, command: Command) => {
      const project = await openProject(command);
      const run = await project.getRun(id);
      output(opts, run, () => details(run));
    });

  runs
    .command("stop")
    .description("stop a run's service (RUNNING or PENDING → STOPPED)")
    .argument("<id>", "run id")
    .option("--json", "print the run as JSON")
    .action(async (id: string, opts: OutputOptions, command: Command) => {
      const run = await (await openProject(command)).getRun(id);
      await run.stop();
      output(opts, run, () => details(run));
    });

  runs
    .command("resume")
    .description("start a stopped run's service again")
    .argument("<id>", "run id")
    .option("--json", "print the run as JSON")
    .action(async (id: string, opts: OutputOptions, command: Command) => {
      const run = await (await openProject(command)).getRun(id);
      await run.resume();
      output(opts, run, () => details(run));
    });

  runs
    .command("delete")
    .description("delete a run and what its executor created (processes, Kubernetes objects)")
    .argument("<id>", "run id")
    .action(async (id: string, _opts: object, command: Command) => {
      const run = await (await openProject(command)).getRun(id);
      await run.delete();
      process.stdout.write(`deleted run ${id}\n`);
    });

  runs
    .command("logs")
    .description("print a run's logs")
    .argument("<id>", "run id")
    .option("--json", "print the log entries as JSON")
    .action(async (id: string, opts: OutputOptions, command: Command) => {
      const run = await (await openProject(command)).getRun(id);
      const entries = await run.logs();
      output(opts, entries, () =>
        entries.map((e) => `[${e.source}] ${e.content}${e.content.endsWith("\n") ? "" : "\n"}`).join(""),
      );
    });
}
