import { modelserveHome } from "../store/home.js";
import { SqliteStore } from "../store/sqlite.js";
import type { Store } from "../store/store.js";

/** Where the SDK keeps entities: by default the SQLite store under MODELSERVE_HOME. */
export interface SdkOptions {
  /** defaults to `$MODELSERVE_HOME`, else `~/.modelserve` */
  home?: string;
  /** another backend; the default is the SQLite file `<home>/modelserve.db` */
  store?: Store;
}

export interface SdkContext {
  readonly store: Store;
  readonly home: string;
}

const openStores = new Map<string, Store>();

/** One open store per home for the whole process. */
export function resolveContext(options: SdkOptions = {}): SdkContext {
  const home = options.home ?? modelserveHome();
  if (options.store !== undefined) return { store: options.store, home };
  let store = openStores.get(home);
  if (store === undefined) {
    store = SqliteStore.open(home);
    openStores.set(home, store);
  }
  return { store, home };
}

/** Closes the stores the SDK opened (tests, short scripts that want a clean exit). */
export function closeStores(): void {
  for (const store of openStores.values()) store.close();
  openStores.clear();
}
