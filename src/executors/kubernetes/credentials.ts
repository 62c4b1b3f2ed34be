/**
 * The user's credentials that a run's pods need, copied from the caller's environment into the run's
 * Secret: object-store keys for model downloads and the Hugging Face token for hub models. Only the
 * variables that are set are copied; the storage initializer reads the AWS_* names.
 */
const STORAGE_KEYS = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_ENDPOINT_URL",
  "AWS_ENDPOINT_URL_S3",
  "S3_ENDPOINT_URL",
  "S3_USE_HTTPS",
  "S3_VERIFY_SSL",
  "GOOGLE_APPLICATION_CREDENTIALS_JSON",
];
const HUB_KEYS = ["HF_TOKEN", "HF_ENDPOINT"];

function pick(env: NodeJS.ProcessEnv, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const value = env[key];
    if (value !== undefined && value !== "") out[key] = value;
  }
  return out;
}

export function storageCredentials(env: NodeJS.ProcessEnv): Record<string, string> {
  const out = pick(env, STORAGE_KEYS);
  // The storage initializer knows AWS_DEFAULT_REGION and AWS_ENDPOINT_URL only.
  if (out.AWS_DEFAULT_REGION === undefined && out.AWS_REGION !== undefined)
    out.AWS_DEFAULT_REGION = out.AWS_REGION;
  const endpoint = out.AWS_ENDPOINT_URL_S3 ?? out.S3_ENDPOINT_URL;
  if (out.AWS_ENDPOINT_URL === undefined && endpoint !== undefined) out.AWS_ENDPOINT_URL = endpoint;
  return out;
}

export function hubCredentials(env: NodeJS.ProcessEnv): Record<string, string> {
  return pick(env, HUB_KEYS);
}
