import { expect } from "vitest";
import { SpecError, type SpecIssue } from "../../src/sdk/errors.js";

/** Runs `fn`, expects a SpecError, returns its issues. */
export function refused(fn: () => unknown): SpecIssue[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    expect((e as SpecError).code).toBe("SPEC_INVALID");
    return (e as SpecError).issues;
  }
  throw new Error("expected a SpecError, but the input was accepted");
}

/** Same for async calls. */
export async function refusedAsync(fn: () => Promise<unknown>): Promise<SpecIssue[]> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as SpecError).issues;
  }
  throw new Error("expected a SpecError, but the input was accepted");
}

export function paths(issues: SpecIssue[]): string[] {
  return issues.map((i) => i.path);
}
