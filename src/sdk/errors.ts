import { ErrorCodes, ModelserveError } from "../errors.js";

/** One problem in a spec: where, what was wrong, what was given and what is allowed. */
export interface SpecIssue {
  /** dotted path with [index] for list items, e.g. `scaling.load_balancing.strategy`, `adapters[0].url` */
  path: string;
  message: string;
  given?: unknown;
  allowed?: string;
}

/** A function, task or run spec failed validation; `details` lists every issue. */
export class SpecError extends ModelserveError {
  declare readonly details: SpecIssue[];

  constructor(what: string, issues: SpecIssue[]) {
    super(ErrorCodes.SPEC_INVALID, formatSpecIssues(what, issues), { details: issues });
  }

  get issues(): SpecIssue[] {
    return this.details;
  }
}

function formatSpecIssues(what: string, issues: SpecIssue[]): string {
  const lines = issues.map((i) => {
    const parts = [`${i.path || "(spec)"}: ${i.message}`];
    if (i.given !== undefined) parts.push(`given ${JSON.stringify(i.given)}`);
    if (i.allowed !== undefined) parts.push(`allowed: ${i.allowed}`);
    return `  - ${parts.join("; ")}`;
  });
  const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
  return `invalid ${what} (${count}):\n${lines.join("\n")}`;
}

export class NotFoundError extends ModelserveError {
  constructor(message: string) {
    super(ErrorCodes.NOT_FOUND, message);
  }
}

export class AlreadyExistsError extends ModelserveError {
  constructor(message: string) {
    super(ErrorCodes.ALREADY_EXISTS, message);
  }
}

/** A lifecycle change the run's current state does not allow. */
export class InvalidTransitionError extends ModelserveError {
  constructor(runId: string, from: string, to: string, allowed: readonly string[]) {
    super(
      ErrorCodes.INVALID_TRANSITION,
      `run ${runId} cannot go from ${from} to ${to}; from ${from} it can go to: ${allowed.length > 0 ? allowed.join(", ") : "nothing (final state)"}`,
      { details: { run: runId, from, to, allowed } },
    );
  }
}

/** An executor failed, or none is available for the run. */
export class ExecutionError extends ModelserveError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.EXECUTION_FAILED, message, options);
  }
}
