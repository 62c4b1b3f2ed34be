import { PickleError } from "./errors.js";

/**
 * Bounds that keep a hostile or corrupt file from exhausting memory or time. Declared lengths are always
 * checked against the bytes that remain; these cap what a small file could still make us build.
 */
export interface PickleLimits {
  /** values on the unpickler stack at once */
  readonly maxStack: number;
  /** open MARKs at once (nesting of tuple/list/dict literals) */
  readonly maxMarks: number;
  /** highest memo index a PUT may use */
  readonly maxMemoIndex: number;
  /** bytes of a LONG (arbitrary-precision int) */
  readonly maxLongBytes: number;
  /** bytes the reader may allocate for decoded arrays, beyond the input itself */
  readonly maxAllocatedBytes: number;
  /** bytes a compressed joblib file may expand to */
  readonly maxDecompressedBytes: number;
  /** nesting of containers/objects that consumers walk recursively (hydration) */
  readonly maxDepth: number;
}

export function defaultLimits(inputBytes: number): PickleLimits {
  return {
    maxStack: 1_000_000,
    maxMarks: 10_000,
    maxMemoIndex: 1 << 26,
    maxLongBytes: 2_048,
    maxAllocatedBytes: 4 * inputBytes + 256 * 1024 * 1024,
    // joblib models compress a few times over; a bomb expands thousands of times
    maxDecompressedBytes: 64 * inputBytes + 256 * 1024 * 1024,
    maxDepth: 500,
  };
}

/** Counts the bytes decoded arrays allocate, so that overlapping structured fields cannot amplify a small file. */
export class AllocationBudget {
  private used = 0;

  constructor(private readonly limit: number) {}

  charge(bytes: number, what: string): void {
    this.used += bytes;
    if (this.used > this.limit) {
      throw new PickleError(
        `${what} would bring decoded data to ${this.used} bytes, over the limit of ${this.limit} bytes`,
      );
    }
  }
}
