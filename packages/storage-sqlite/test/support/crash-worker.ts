/**
 * Child process of `test/crash.test.ts`: writes to a SqliteBackend file in a loop until the
 * parent kills it with SIGKILL.
 *
 * Run as `node --import tsx crash-worker.ts <file> <seed> <round>`. It opens (or creates) the
 * instance and its single database, then loops forever over two kinds of write:
 *
 * - a local commit (`db.withTransaction`) setting one of 64 slots of the `kv` DocStore (so the
 *   state stays small), and 1 time in 8 a value of several KiB in the `blob` store (overflow
 *   pages);
 * - a batch ingest (`instance.ingest`) of 1 to 12 entries that a second, in-memory instance
 *   built on its own copy of the DAG (so the database branches and merges).
 *
 * Protocol: one JSON object per line on stdout (pipes are synchronous on Linux, so a line that
 * was written is never lost when the process is killed afterwards):
 * - `{"t":"opening"}` just before opening the file (kills timed from it hit the open, the
 *   migration, recovery, or the creation of the instance and database);
 * - `{"t":"ready","key":<device public key>,"db":<database ID>}` once open;
 * - `{"t":"begin","kind":"commit"}` or `{"t":"begin","kind":"ingest","ids":[...]}` before a write;
 * - `{"t":"ack","kind":...,"ids":[...]}` after the write returned: only acknowledged writes
 *   must survive the kill.
 */
import { Instance, seededRandom, type Entry, type ID } from "@eidetica/core";
import { SqliteBackend } from "../../src/index.js";
import type { WorkerMessage } from "./crash-protocol.js";

const [file, seedText, roundText] = process.argv.slice(2);
if (file === undefined || seedText === undefined || roundText === undefined) {
  throw new Error("usage: crash-worker.ts <file> <seed> <round>");
}
const round = Number(roundText);
const rng = seededRandom(BigInt(seedText) * 1_000_003n + BigInt(round));
const below = (n: number): number => rng.nextU32() % n;

function send(message: WorkerMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** A value of several KiB (1 in 8 commits writes one), so rows spill to overflow pages. */
function bigValue(label: string): string | undefined {
  if (below(8) !== 0) return undefined;
  return `big-${label}-`.padEnd(2_000 + below(12_000), String.fromCharCode(97 + below(26)));
}

send({ t: "opening" });
const backend = SqliteBackend.open(file);
const instance = await Instance.openOrCreate({ backend });
const roots = await instance.listDatabases();
const db = roots[0] === undefined ? await instance.createDatabase({ name: "crash" }) : await instance.openDatabase(roots[0]);

// The second instance: an in-memory copy of the DAG that writes with the same (authorized) key.
const peer = await Instance.create({ random: seededRandom(BigInt(seedText) + 17n) });
await peer.backend.putEntries(await db.entries());
const peerDb = await peer.openDatabase(db.id, { signingKey: instance.deviceKey });
/** Local commits the peer has not seen yet; handed over now and then, so branches merge. */
let unseenByPeer: Entry[] = [];

send({ t: "ready", key: instance.id, db: db.id });

for (let n = 0; ; n++) {
  if (below(4) !== 0) {
    const label = `c${round}-${n}`;
    const slot = `s${below(64)}`;
    const big = bigValue(label);
    send({ t: "begin", kind: "commit" });
    const id = await db.withTransaction(async (txn) => {
      (await txn.docStore("kv")).set(slot, label);
      if (big !== undefined) (await txn.docStore("blob")).set("b", big);
    });
    send({ t: "ack", kind: "commit", ids: [id] });
    const entry = await backend.getEntry(id);
    if (entry !== undefined) unseenByPeer.push(entry);
  } else {
    if (below(2) === 0) {
      await peer.backend.putEntries(unseenByPeer);
      unseenByPeer = [];
    }
    const size = 1 + below(12);
    const batch: Entry[] = [];
    for (let i = 0; i < size; i++) {
      const label = `p${round}-${n}-${i}`;
      const slot = `s${below(64)}`;
      const id: ID = await peerDb.withTransaction(async (txn) => (await txn.docStore("kv")).set(slot, label));
      const entry = await peer.backend.getEntry(id);
      if (entry === undefined) throw new Error(`the peer lost its own entry ${id}`);
      batch.push(entry);
    }
    const ids = batch.map((e) => e.id);
    send({ t: "begin", kind: "ingest", ids });
    const result = await instance.ingest(db.id, batch, { from: "peer" });
    const notStored = result.verdicts.filter((v) => v.status !== "stored");
    if (notStored.length > 0) throw new Error(`ingest did not store everything: ${JSON.stringify(notStored)}`);
    send({ t: "ack", kind: "ingest", ids });
  }
}
