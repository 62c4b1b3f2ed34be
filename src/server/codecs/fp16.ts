/**
 * IEEE 754 half precision <-> single precision. V2 carries FP16 as 2-byte little-endian words in binary
 * forms; a Tensor holds FP16 widened to Float32Array, so both directions are needed.
 */

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  return d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
}

/** Rounds a number to the nearest half (ties to even, straight from float64: no double rounding) and returns its 16-bit pattern. */
export function toHalfBits(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const abs = Math.abs(value);
  if (abs >= 65520) return sign | 0x7c00;
  if (abs < 2 ** -14) return sign | roundHalfEven(abs * 2 ** 24);
  let e = Math.floor(Math.log2(abs));
  // log2 can be off by one near powers of two
  if (2 ** e > abs) e--;
  else if (2 ** (e + 1) <= abs) e++;
  const mant = roundHalfEven((abs / 2 ** e - 1) * 1024);
  // a mantissa rounded up to 1024 carries into the exponent, which the bit layout does by addition
  return sign | (((e + 15) << 10) + mant);
}

/** The value of a 16-bit half pattern. */
export function fromHalfBits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Rounds to the nearest representable half, as a number (what a FP16 tensor can hold). */
export function roundToHalf(value: number): number {
  return fromHalfBits(toHalfBits(value));
}

/** The largest finite half. */
export const HALF_MAX = 65504;
