import { createHash } from "node:crypto";

/** Kubernetes object names (RFC 1123 labels) are at most 63 characters. */
export const DNS_LABEL_MAX = 63;
/** KubeAI limits `Model` names to 40 characters (its CRD's metadata rule). */
export const KUBEAI_MODEL_NAME_MAX = 40;

const HASH_LENGTH = 8;

function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, HASH_LENGTH);
}

/**
 * A valid DNS label made from any text: lower case, runs of other characters turned into `-`, starting
 * with a letter (DNS-1035, which Services require too). When the result is longer than `max` it is cut
 * and ends with a hash of the whole text, so two long names that share a prefix stay distinct; the
 * original platform threw on long names instead.
 */
export function dnsLabel(text: string, max = DNS_LABEL_MAX): string {
  let label = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (!/^[a-z]/.test(label)) label = `x-${label}`.replace(/-+$/, "");
  if (label.length <= max) return label;
  const head = label.slice(0, max - HASH_LENGTH - 1).replace(/-+$/, "");
  return `${head}-${shortHash(text)}`;
}

/**
 * A valid label value (≤ 63 characters of `[A-Za-z0-9._-]`, alphanumeric at both ends), cut with a hash
 * like dnsLabel when too long. Label values may be empty.
 */
export function labelValue(text: string): string {
  let value = text.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  if (value.length <= DNS_LABEL_MAX) return value;
  value = value.slice(0, DNS_LABEL_MAX - HASH_LENGTH - 1).replace(/[^A-Za-z0-9]+$/, "");
  return `${value}-${shortHash(text)}`;
}
