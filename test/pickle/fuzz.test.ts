import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isModelserveError } from "../../src/errors.js";
import { readJoblib } from "../../src/pickle/index.js";
import { type SeededRandom, seededRandom } from "../seeded-random.js";

/**
 * Deterministic fuzzing: thousands of mutations (fixed seed) of real files written by Python. Reading a
 * mutated file may succeed (the mutation can be harmless) or fail, but the only failure allowed is a
 * ModelserveError, and it must come back (a hang fails the test by its timeout).
 */
const FIXTURES = join(import.meta.dirname, "../../fixtures");
const SOURCES = [
  ...[
    "values.p0.pkl",
    "values.p2.pkl",
    "values.p4.pkl",
    "values.p5.pkl",
    "arrays.p0.pkl",
    "arrays.p2.pkl",
  ].map((f) => `pickle/numpy-1.24.4/${f}`),
  ...[
    "arrays.p4.pkl",
    "arrays.p5.pkl",
    "arrays.joblib",
    "objects.p2.pkl",
    "estimator.p4.pkl",
    "estimator.p1.pkl",
  ].map((f) => `pickle/numpy-2.4.6/${f}`),
  ...["zlib", "gzip", "bz2", "xz", "lzma", "lz4"].map((c) => `pickle/numpy-1.26.4/estimator.joblib.${c}`),
];
const MUTATIONS_PER_SOURCE = 400;
const INTERESTING_BYTES = [
  0x00, 0x01, 0x7f, 0x80, 0xff, 0x28, 0x2e, 0x52, 0x62, 0x68, 0x71, 0x93, 0x94, 0x95,
];
const INTERESTING_U32 = [0xffffffff, 0x7fffffff, 0x80000000, 0x00000000, 0x00010000];

function mutate(src: Uint8Array, other: Uint8Array, { int }: SeededRandom): Uint8Array {
  let b = src.slice();
  const rounds = 1 + int(4);
  for (let r = 0; r < rounds && b.length > 0; r++) {
    const at = int(b.length);
    switch (int(8)) {
      case 0:
        b[at] ^= 1 << int(8);
        break;
      case 1:
        b[at] = int(256);
        break;
      case 2:
        b[at] = INTERESTING_BYTES[int(INTERESTING_BYTES.length)];
        break;
      case 3:
        if (at + 4 <= b.length) {
          new DataView(b.buffer).setUint32(at, INTERESTING_U32[int(INTERESTING_U32.length)], true);
        }
        break;
      case 4:
        b = b.slice(0, at);
        break;
      case 5: {
        const len = 1 + int(16);
        b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + len)]);
        break;
      }
      case 6: {
        const len = 1 + int(32);
        b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at, at + len), ...b.subarray(at)]);
        break;
      }
      default: {
        const from = int(other.length);
        const len = 1 + int(64);
        b = Uint8Array.from([...b.subarray(0, at), ...other.subarray(from, from + len), ...b.subarray(at)]);
      }
    }
  }
  return b;
}

describe("fuzzing the reader with mutated real files", () => {
  const files = SOURCES.map((f) => new Uint8Array(readFileSync(join(FIXTURES, f))));
  const allowTestClasses = {
    isAllowed: (cls: string) => cls.startsWith("sklearn.modelserve_pickle_test."),
    supported: "",
  };

  it.each(SOURCES.map((s, i) => [s, i] as const))("%s: only ModelserveErrors", (_name, index) => {
    const random = seededRandom(0x5eed + index);
    let refused = 0;
    for (let i = 0; i < MUTATIONS_PER_SOURCE; i++) {
      const mutated = mutate(files[index], files[(index + 1) % files.length], random);
      try {
        readJoblib(mutated, {
          classes: allowTestClasses,
          limits: { maxDecompressedBytes: 64 * 1024 * 1024 },
        });
      } catch (e) {
        if (!isModelserveError(e)) {
          throw new Error(
            `mutation ${i} of ${_name} threw a non-ModelserveError: ${String(e)}\n${(e as Error).stack}`,
          );
        }
        refused++;
      }
    }
    // most mutations break something: the test would be vacuous otherwise
    expect(refused).toBeGreaterThan(MUTATIONS_PER_SOURCE / 4);
  });
});
