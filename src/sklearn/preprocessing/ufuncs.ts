import type { NumpyUfunc } from "../../pickle/values.js";
import { globalName, UnsupportedEstimatorError } from "../common/index.js";

/** numpy's element-wise ufuncs that the pickle reader allows, as float64 functions. */
const UFUNCS: Readonly<Record<string, (x: number) => number>> = {
  abs: Math.abs,
  absolute: Math.abs,
  fabs: Math.abs,
  negative: (x) => -x,
  positive: (x) => x,
  reciprocal: (x) => 1 / x,
  sign: (x) => (Number.isNaN(x) ? x : x > 0 ? 1 : x < 0 ? -1 : 0),
  square: (x) => x * x,
  sqrt: Math.sqrt,
  cbrt: Math.cbrt,
  exp: Math.exp,
  exp2: (x) => 2 ** x,
  expm1: Math.expm1,
  log: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  log1p: Math.log1p,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  arcsin: Math.asin,
  arccos: Math.acos,
  arctan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  arcsinh: Math.asinh,
  arccosh: Math.acosh,
  arctanh: Math.atanh,
  floor: Math.floor,
  ceil: Math.ceil,
  // numpy rounds half to even
  rint: (x) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  trunc: Math.trunc,
  deg2rad: (x) => (x * Math.PI) / 180,
  radians: (x) => (x * Math.PI) / 180,
  rad2deg: (x) => (x * 180) / Math.PI,
  degrees: (x) => (x * 180) / Math.PI,
};

export function isUfunc(v: unknown): v is NumpyUfunc {
  return typeof v === "object" && v !== null && "ufunc" in v && typeof (v as NumpyUfunc).ufunc === "string";
}

/** The float64 function for a pickled `func`: a numpy ufunc, or None (identity). */
export function elementwise(v: unknown, what: string): (x: number) => number {
  if (v === null || v === undefined) return (x) => x;
  if (isUfunc(v)) {
    const f = UFUNCS[v.ufunc];
    if (f !== undefined) return f;
    throw new UnsupportedEstimatorError(`${what} is numpy.${v.ufunc}, which is not supported`);
  }
  const name = globalName(v) ?? typeof v;
  throw new UnsupportedEstimatorError(
    `${what} is ${name}: only numpy element-wise functions (${Object.keys(UFUNCS).join(", ")}) are supported`,
  );
}
