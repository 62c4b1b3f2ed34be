/**
 * String rules of the spec fields: names, model paths, model urls, images, Kubernetes names. Each rule
 * is a pure function returning why the value is wrong (or undefined), plus a human description of what
 * is allowed, used in SpecError issues. They replace the original's typo-tolerant regexes
 * (`hf?://` accepted `h://`, `mlserver?` accepted `mlserve`, the huggingface image needed a backslash).
 */

export interface Rule {
  readonly allowed: string;
  check(value: string): string | undefined;
}

/** Entity and model names (the Core's slug pattern). */
export const NAME_PATTERN = /^[a-zA-Z0-9._+-]{1,256}$/;

export const nameRule: Rule = {
  allowed: "1 to 256 characters among letters, digits and . _ + -",
  check: (v) => (NAME_PATTERN.test(v) ? undefined : "not a valid name"),
};

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;

function schemeOf(path: string): string | undefined {
  return SCHEME.exec(path)?.[1];
}

const SLUG = "[A-Za-z0-9._+-]+";

/** `store://{project}/model/{kind}/{name}` with an optional `:{id}` (or `:latest`). */
function storeModelPattern(kind: string): RegExp {
  return new RegExp(`^store://${SLUG}/model/${kind}/${SLUG}(?::${SLUG})?$`);
}

function storeModelProblem(path: string, modelKind: string): string | undefined {
  if (storeModelPattern(modelKind).test(path)) return undefined;
  const other = /^store:\/\/[^/]+\/model\/([^/]+)\//.exec(path)?.[1];
  if (other !== undefined && other !== modelKind) {
    return `points at a ${other} model; this kind needs a ${modelKind} model`;
  }
  return `not a model key; expected store://{project}/model/${modelKind}/{name}:{id}`;
}

function lastSegment(path: string): string {
  const rest = path.replace(SCHEME, "");
  const parts = rest.split("/");
  return parts[parts.length - 1];
}

function hasRemainder(path: string): boolean {
  return path.replace(SCHEME, "").replace(/^\/+/, "").length > 0;
}

/** s3://bucket/key: a bucket and something after it. */
function s3Problem(path: string): string | undefined {
  return /^s3:\/\/[^/]+\/.+/.test(path) ? undefined : "an s3 path needs a bucket and a key: s3://bucket/key";
}

/** Extensions of single files or archives that cannot be a model folder. */
const FILE_EXTENSIONS =
  /\.(pkl|pickle|joblib|onnx|pt|pth|bin|safetensors|h5|json|ya?ml|txt|csv|tar|tgz|gz|bz2|xz|7z|rar)$/i;

function folderOrZipProblem(path: string, what: string): string | undefined {
  if (path.endsWith("/") || path.endsWith(".zip") || lastSegment(path) === "MLmodel") return undefined;
  if (FILE_EXTENSIONS.test(lastSegment(path))) {
    return `${what} needs a folder or a .zip archive, not a single file`;
  }
  return undefined;
}

function emptyProblem(v: string): string | undefined {
  return v.trim().length === 0 ? "must not be empty" : undefined;
}

function schemeProblem(path: string, schemes: readonly string[]): string | undefined {
  const scheme = schemeOf(path);
  // "hf:/org/model", "s3:bucket/key": a scheme with a slash missing, not a local path
  if (scheme === undefined && /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path))
    return "malformed scheme: expected {scheme}://";
  if (scheme === undefined || schemes.includes(scheme)) return undefined;
  return `unsupported scheme ${scheme}://`;
}

export const sklearnPathRule: Rule = {
  allowed:
    "a .pkl or .joblib file (local path or s3://bucket/key), or store://{project}/model/sklearn/{name}:{id}",
  check(v) {
    const problem = emptyProblem(v) ?? schemeProblem(v, ["s3", "store"]);
    if (problem !== undefined) return problem;
    const scheme = schemeOf(v);
    if (scheme === "store") return storeModelProblem(v, "sklearn");
    if (scheme === "s3") {
      const s3 = s3Problem(v);
      if (s3 !== undefined) return s3;
    }
    return /\.(pkl|joblib)$/.test(v) ? undefined : "sklearnserve needs a .pkl or .joblib file";
  },
};

export const mlflowPathRule: Rule = {
  allowed:
    "a folder with an MLmodel file or a .zip (local path or s3://bucket/key), or store://{project}/model/mlflow/{name}:{id}",
  check(v) {
    const problem = emptyProblem(v) ?? schemeProblem(v, ["s3", "store"]);
    if (problem !== undefined) return problem;
    const scheme = schemeOf(v);
    if (scheme === "store") return storeModelProblem(v, "mlflow");
    if (scheme === "s3") {
      const s3 = s3Problem(v);
      if (s3 !== undefined) return s3;
    }
    return folderOrZipProblem(v, "mlflowserve");
  },
};

export const huggingfacePathRule: Rule = {
  allowed:
    "a folder or a .zip (local path or s3://bucket/key), hf://{repo}, huggingface://{repo}, or store://{project}/model/huggingface/{name}:{id}",
  check(v) {
    const problem = emptyProblem(v) ?? schemeProblem(v, ["s3", "store", "hf", "huggingface"]);
    if (problem !== undefined) return problem;
    const scheme = schemeOf(v);
    if (scheme === "store") return storeModelProblem(v, "huggingface");
    if (scheme === "hf" || scheme === "huggingface") {
      return /^[a-z]+:\/\/[^/\s]+(\/[^/\s]+)?$/.test(v) ? undefined : `expected ${scheme}://{org}/{model}`;
    }
    if (scheme === "s3") {
      const s3 = s3Problem(v);
      if (s3 !== undefined) return s3;
    }
    return folderOrZipProblem(v, "huggingfaceserve");
  },
};

export const kubeaiUrlRule: Rule = {
  allowed:
    "hf://{org}/{model}, s3://{bucket}/{path}, pvc://{name}[/{subpath}], ollama://{model}, or store://{project}/model/huggingface/{name}:{id}",
  check(v) {
    const problem = schemeProblem(v, ["hf", "s3", "pvc", "ollama", "store"]);
    if (problem !== undefined) return problem;
    const scheme = schemeOf(v);
    if (scheme === undefined) return "a model url needs a scheme";
    if (scheme === "store") return storeModelProblem(v, "huggingface");
    if (scheme === "s3") return s3Problem(v);
    return hasRemainder(v) ? undefined : `nothing after ${scheme}://`;
  },
};

/** KubeAI accepts these for adapters (its CRD rule). */
export const adapterUrlRule: Rule = {
  allowed: "hf://{org}/{adapter}, s3://{bucket}/{path}, gs://{bucket}/{path} or oss://{bucket}/{path}",
  check(v) {
    const problem = schemeProblem(v, ["hf", "s3", "gs", "oss"]);
    if (problem !== undefined) return problem;
    const scheme = schemeOf(v);
    if (scheme === undefined) return "an adapter url needs a scheme";
    return hasRemainder(v) ? undefined : `nothing after ${scheme}://`;
  },
};

/** An OCI image reference: [registry[:port]/]repository[:tag][@sha256:digest]. */
// A first component is a registry only with a dot, a port or "localhost" (as docker reads it).
const IMAGE_PATTERN =
  /^(?:(?:localhost|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+)(?::[0-9]+)?\/|[a-zA-Z0-9-]+:[0-9]+\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

function imageParts(image: string): { repository: string; tag?: string } {
  const noDigest = image.split("@")[0];
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  const hasTag = colon > slash;
  const path = hasTag ? noDigest.slice(0, colon) : noDigest;
  return {
    repository: path.slice(path.lastIndexOf("/") + 1),
    tag: hasTag ? noDigest.slice(colon + 1) : undefined,
  };
}

export const anyImageRule: Rule = {
  allowed: "an image reference such as registry.example.com/team/image:tag",
  check: (v) => (IMAGE_PATTERN.test(v) ? undefined : "not a valid image reference"),
};

/** MLServer images (any registry); a runtime-specific tag must be this runtime's. */
function mlserverImageRule(runtime: "sklearn" | "mlflow"): Rule {
  const other = runtime === "sklearn" ? "mlflow" : "sklearn";
  return {
    allowed: `an MLServer image, e.g. seldonio/mlserver:1.6.1-${runtime} or seldonio/mlserver:1.6.1`,
    check(v) {
      if (!IMAGE_PATTERN.test(v)) return "not a valid image reference";
      const { repository, tag } = imageParts(v);
      if (!repository.includes("mlserver")) return "not an MLServer image";
      if (tag?.endsWith(`-${other}`)) return `an MLServer ${other} image cannot serve ${runtime} models`;
      return undefined;
    },
  };
}

export const sklearnImageRule = mlserverImageRule("sklearn");
export const mlflowImageRule = mlserverImageRule("mlflow");

export const huggingfaceImageRule: Rule = {
  allowed: "a KServe Hugging Face server image, e.g. kserve/huggingfaceserver:v0.15.0 or …:v0.15.0-gpu",
  check(v) {
    if (!IMAGE_PATTERN.test(v)) return "not a valid image reference";
    return imageParts(v).repository.includes("huggingfaceserver")
      ? undefined
      : "not a KServe huggingfaceserver image";
  },
};

/** Kubernetes DNS-1123 label: volume names, service names. */
export const k8sLabelRule: Rule = {
  allowed:
    "lower-case letters, digits and -, starting and ending with a letter or digit, at most 63 characters",
  check: (v) => (/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(v) ? undefined : "not a valid Kubernetes name"),
};

/** Kubernetes DNS-1123 subdomain: secret names. */
export const k8sSubdomainRule: Rule = {
  allowed: "lower-case letters, digits, - and ., at most 253 characters",
  check: (v) =>
    v.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(v)
      ? undefined
      : "not a valid Kubernetes name",
};

export const envNameRule: Rule = {
  allowed: "letters, digits, _ - and ., not starting with a digit",
  check: (v) =>
    /^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(v) ? undefined : "not a valid environment variable name",
};

/** Kubernetes resource quantities: "1", "500m", "1.5", "1Gi", "512Mi". */
export const quantityRule: Rule = {
  allowed: 'a Kubernetes quantity such as "1", "500m", "2Gi", "512Mi"',
  check: (v) =>
    /^\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]+)?$/.test(v)
      ? undefined
      : "not a Kubernetes quantity",
};

export const absolutePathRule: Rule = {
  allowed: "an absolute path starting with / and without ':'",
  check: (v) => (v.startsWith("/") && !v.includes(":") ? undefined : "not an absolute path without ':'"),
};

export const kubeaiAdapterNameRule: Rule = {
  allowed: "lower-case letters, digits and -, at most 63 characters",
  check: (v) => (/^[a-z0-9-]{1,63}$/.test(v) ? undefined : "not a valid adapter name"),
};
