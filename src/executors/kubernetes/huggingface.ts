import type { RunSpec } from "../../sdk/types.js";
import type { ModelSource } from "./model-source.js";

/**
 * The KServe Hugging Face server's command-line flags for a run. Boolean options are real switches
 * (present when true, absent when false): the server declares them `store_true`, so the original
 * platform's `--flag false` turned them on. The run's own `args` come last, so they win.
 */
export function huggingfaceArgs(
  spec: RunSpec,
  modelName: string,
  source: ModelSource,
  modelDir: string,
): string[] {
  const args = ["--model_name", modelName];
  if (source.type === "hub") {
    args.push("--model_id", source.modelId);
    if (source.revision !== undefined) args.push("--model_revision", source.revision);
  } else {
    args.push("--model_dir", modelDir);
  }
  const value = (flag: string, v: string | number | undefined) => {
    if (v !== undefined) args.push(flag, String(v));
  };
  const swtch = (flag: string, v: boolean | undefined) => {
    if (v === true) args.push(flag);
  };
  value("--task", spec.huggingface_task);
  value("--backend", spec.backend?.toLowerCase());
  value("--dtype", spec.dtype?.toLowerCase());
  value("--tokenizer_revision", spec.tokenizer_revision);
  value("--max_length", spec.max_length);
  swtch("--disable_lower_case", spec.disable_lower_case);
  swtch("--disable_special_tokens", spec.disable_special_tokens);
  swtch("--trust_remote_code", spec.trust_remote_code);
  if (spec.tensor_input_names !== undefined && spec.tensor_input_names.length > 0) {
    args.push("--tensor_input_names", spec.tensor_input_names.join(","));
  }
  swtch("--return_token_type_ids", spec.return_token_type_ids);
  swtch("--return_probabilities", spec.return_probabilities);
  swtch("--disable_log_requests", spec.disable_log_requests);
  value("--max_log_len", spec.max_log_len);
  args.push(...(spec.args ?? []));
  return args;
}
