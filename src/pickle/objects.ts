import type { AllocationBudget } from "./limits.js";
import type { PyGlobalRef } from "./values.js";

/** What a global's behaviour may use from the reader while it is called or built. */
export interface ReadContext {
  readonly budget: AllocationBudget;
  /** byte offset of the opcode being executed, for error messages */
  readonly offset: number;
  /** reads `n` raw bytes that follow the current opcode in the stream (joblib inline array data) */
  readRaw(n: number, what: string): Uint8Array;
  /** reads a complete pickle that follows in the stream (joblib object arrays) */
  readNested(): unknown;
}

/** How an allow-listed global may be used. A global with neither hook can only be a value. */
export interface GlobalBehaviour {
  /** REDUCE / OBJ / INST: the global called with positional arguments */
  readonly call?: (args: readonly unknown[], ctx: ReadContext) => unknown;
  /** NEWOBJ: `cls.__new__(cls, *args)`; a later BUILD sets the state */
  readonly construct?: (args: readonly unknown[], ctx: ReadContext) => unknown;
}

/** An allow-listed global as it sits on the unpickler stack, and as it stays when only referenced. */
export class GlobalRef implements PyGlobalRef {
  constructor(
    readonly global: string,
    /** @internal */ readonly behaviour: GlobalBehaviour,
  ) {}
}

/**
 * An object that REDUCE/NEWOBJ started and BUILD completes into a plain value (numpy arrays and dtypes,
 * joblib array wrappers, scipy sparse matrices). The memo may hold it: GET returns what it was built into.
 */
export abstract class Pending {
  built = false;
  value: unknown;

  /** A name for error messages. */
  abstract readonly what: string;

  abstract build(state: unknown, ctx: ReadContext): unknown;
}
