import { stat } from "node:fs/promises";
import { join } from "node:path";
import { ErrorCodes, ModelserveError } from "../../errors.js";

/** MLServer's well-known model file names, in the order it tries them. */
export const WELL_KNOWN_FILES = ["model.joblib", "model.pickle", "model.pkl"] as const;

/** The model file for `uri`: the file itself, or the first well-known file inside the folder. */
export async function locateModelFile(uri: string | undefined, model: string): Promise<string> {
  if (uri === undefined || uri === "") {
    throw new ModelserveError(
      ErrorCodes.MODEL_LOAD_FAILED,
      `model '${model}' has no uri: point it at a .pkl/.joblib file or a folder holding one`,
    );
  }
  const info = await stat(uri).catch((e: unknown) => {
    throw new ModelserveError(
      ErrorCodes.MODEL_LOAD_FAILED,
      `model '${model}': cannot read ${uri}: ${(e as Error).message}`,
      { cause: e },
    );
  });
  if (info.isFile()) return uri;
  for (const name of WELL_KNOWN_FILES) {
    const candidate = join(uri, name);
    if (
      await stat(candidate).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return candidate;
  }
  throw new ModelserveError(
    ErrorCodes.MODEL_LOAD_FAILED,
    `model '${model}': the folder ${uri} holds none of ${WELL_KNOWN_FILES.join(", ")}`,
  );
}
