import type { Command } from "commander";
import { getOrCreateProject, getProject } from "../sdk/api.js";
import type { Project } from "../sdk/project.js";

/** Options every command sees (declared on the program in main.ts). */
export interface GlobalOptions {
  project: string;
}

export const DEFAULT_PROJECT = "default";

/** The project named by `--project`, `$MODELSERVE_PROJECT`, else "default". */
export function projectName(command: Command): string {
  return (command.optsWithGlobals() as GlobalOptions).project;
}

/** The project of the command; reading commands do not create it (NOT_FOUND instead). */
export async function openProject(command: Command, options: { create?: boolean } = {}): Promise<Project> {
  const name = projectName(command);
  return options.create ? getOrCreateProject(name) : getProject(name);
}
