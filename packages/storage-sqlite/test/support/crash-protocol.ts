/** The line protocol between `crash.test.ts` and its child process `crash-worker.ts`. */

/** One line the worker writes to stdout. */
export type WorkerMessage =
  | { readonly t: "opening" }
  | { readonly t: "ready"; readonly key: string; readonly db: string }
  | { readonly t: "begin"; readonly kind: "commit" }
  | { readonly t: "begin"; readonly kind: "ingest"; readonly ids: readonly string[] }
  | { readonly t: "ack"; readonly kind: "commit" | "ingest"; readonly ids: readonly string[] };
