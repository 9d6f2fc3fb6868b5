/**
 * {@link parallelEd25519}: Ed25519 verification spread over worker threads (DESIGN 6: heavy
 * verification moves to worker threads on machines with more cores). Ingest hands whole
 * batches to {@link Ed25519Provider.verifyMany}; the calling thread verifies its share while
 * the workers verify theirs.
 */
import { defaultEd25519, type Ed25519Provider, type VerifyItem } from "./ed25519.js";

/** Options of {@link parallelEd25519}. */
export interface ParallelEd25519Options {
  /** Worker threads besides the calling one. Default: one less than the cores, at least 1. */
  readonly threads?: number;
  /** Batches smaller than this are verified on the calling thread alone. Default 256. */
  readonly minBatch?: number;
  /** Called when a worker fails (its share is then verified on the calling thread). Default: `console.warn`. */
  readonly onWorkerError?: (error: unknown) => void;
}

/** A provider that can be shut down: {@link ParallelEd25519.close} ends its workers. */
export interface ParallelEd25519 extends Ed25519Provider {
  /** Ends the worker threads; later batches are verified on the calling thread. */
  close(): Promise<void>;
}

type WorkerThreads = typeof import("node:worker_threads");
type Worker = import("node:worker_threads").Worker;

// The worker: Node's crypto, the same SPKI wrapping as the node provider. A batch arrives as one
// transferred buffer of records [public key (32) | signature (64) | message length (u32 LE) |
// message], and the answer is one byte per record.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const crypto = require("node:crypto");
const prefix = Buffer.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
const keys = new Map();
function keyOf(pk) {
  const id = pk.toString("latin1");
  let key = keys.get(id);
  if (key === undefined) {
    key = crypto.createPublicKey({ key: Buffer.concat([prefix, pk]), format: "der", type: "spki" });
    if (keys.size >= 4096) keys.clear();
    keys.set(id, key);
  }
  return key;
}
parentPort.on("message", ({ id, count, buffer }) => {
  const bytes = Buffer.from(buffer);
  const results = new Uint8Array(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const pk = bytes.subarray(at, at + 32);
    const sig = bytes.subarray(at + 32, at + 96);
    const length = bytes.readUInt32LE(at + 96);
    const message = bytes.subarray(at + 100, at + 100 + length);
    at += 100 + length;
    try { results[i] = crypto.verify(null, message, keyOf(pk), sig) ? 1 : 0; } catch { results[i] = 0; }
  }
  parentPort.postMessage({ id, results }, [results.buffer]);
});
`;

/** Packs a share of well-formed items (32-byte keys, 64-byte signatures) into one buffer the worker reads. */
function pack(items: readonly VerifyItem[]): { buffer: ArrayBuffer; count: number } {
  let size = 0;
  for (const item of items) size += 100 + item.message.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const { publicKey, signature, message } of items) {
    out.set(publicKey, at);
    out.set(signature, at + 32);
    view.setUint32(at + 96, message.length, true);
    out.set(message, at + 100);
    at += 100 + message.length;
  }
  return { buffer: out.buffer, count: items.length };
}

function loadWorkerThreads(): WorkerThreads | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.("node:worker_threads") as WorkerThreads | undefined;
}

function availableCores(): number {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const os = proc?.getBuiltinModule?.("node:os") as { availableParallelism?: () => number } | undefined;
  return os?.availableParallelism?.() ?? 1;
}

/**
 * A provider whose `verifyMany` splits a batch between the calling thread and worker threads
 * (Node's crypto in each). Single verifications, signing and key derivation stay on the
 * calling thread. Where worker threads or Node's crypto are missing it is the default
 * provider. Results are exactly the single-threaded ones: every signature is verified once,
 * by OpenSSL, with the same rules.
 *
 * @example
 * ```ts
 * const ed25519 = parallelEd25519();
 * const instance = await Instance.create({ ed25519 }); // bootstraps verify on every core
 * // …
 * await ed25519.close();
 * ```
 */
export function parallelEd25519(options: ParallelEd25519Options = {}): ParallelEd25519 {
  const base = defaultEd25519();
  const threads = loadWorkerThreads();
  const count = Math.max(1, options.threads ?? availableCores() - 1);
  const minBatch = options.minBatch ?? 256;
  const onWorkerError = options.onWorkerError ?? ((error: unknown) => console.warn("eidetica: a verification worker failed", error));
  if (threads === undefined || base.name !== "node") return { ...base, close: async () => undefined };

  interface Waiting {
    readonly worker: Worker;
    readonly resolve: (results: Uint8Array) => void;
    readonly reject: (error: unknown) => void;
  }
  const pending = new Map<number, Waiting>();
  let nextId = 0;
  let workers: Worker[] = [];
  let closed = false;
  const fail = (worker: Worker, error: unknown) => {
    workers = workers.filter((w) => w !== worker);
    onWorkerError(error);
    for (const [id, waiting] of pending) {
      if (waiting.worker !== worker) continue;
      pending.delete(id);
      waiting.reject(error);
    }
  };
  const start = (): Worker[] => {
    if (workers.length > 0) return workers;
    workers = Array.from({ length: count }, () => {
      const worker = new threads.Worker(WORKER_SOURCE, { eval: true });
      worker.unref();
      worker.on("message", ({ id, results }: { id: number; results: Uint8Array }) => {
        const waiting = pending.get(id);
        pending.delete(id);
        waiting?.resolve(results);
      });
      worker.on("error", (error) => fail(worker, error));
      worker.on("exit", (code) => {
        if (workers.includes(worker)) fail(worker, new Error(`verification worker exited with code ${code}`));
      });
      return worker;
    });
    return workers;
  };
  const onWorker = (worker: Worker, items: readonly VerifyItem[]): Promise<Uint8Array> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { worker, resolve, reject });
      const { buffer, count: records } = pack(items);
      worker.postMessage({ id, count: records, buffer }, [buffer]);
    });
  const here = (items: readonly VerifyItem[]): boolean[] => items.map((item) => base.verify(item.publicKey, item.message, item.signature));

  return {
    name: "node-parallel",
    publicKey: (seed) => base.publicKey(seed),
    signer: (seed) => base.signer(seed),
    verify: (publicKey, message, signature) => base.verify(publicKey, message, signature),
    async verifyMany(items) {
      if (items.length < minBatch || closed) return here(items);
      // Malformed sizes are false without any work, as in `verify`; the rest are shared out.
      const results: boolean[] = new Array<boolean>(items.length).fill(false);
      const indexes: number[] = [];
      for (let i = 0; i < items.length; i++) {
        const item = items[i] as VerifyItem;
        if (item.publicKey.length === 32 && item.signature.length === 64) indexes.push(i);
      }
      const pool = start();
      const size = Math.ceil(indexes.length / (pool.length + 1));
      const shareOf = (k: number) => indexes.slice(k * size, (k + 1) * size);
      const remote = pool.map(async (worker, k) => {
        const share = shareOf(k + 1);
        if (share.length === 0) return;
        const shareItems = share.map((i) => items[i] as VerifyItem);
        let verdicts: readonly boolean[];
        try {
          verdicts = [...(await onWorker(worker, shareItems))].map((v) => v === 1);
        } catch {
          verdicts = here(shareItems); // the worker failed: this thread does its share
        }
        share.forEach((i, j) => (results[i] = verdicts[j] === true));
      });
      for (const i of shareOf(0)) {
        const item = items[i] as VerifyItem;
        results[i] = base.verify(item.publicKey, item.message, item.signature);
      }
      await Promise.all(remote);
      return results;
    },
    async close() {
      closed = true;
      const ending = workers;
      workers = [];
      await Promise.all(ending.map((worker) => worker.terminate()));
    },
  };
}
