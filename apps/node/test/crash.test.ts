/**
 * F8 and F10 (reliability.md section 3), issue 12: real `eidetica serve` processes, each on its
 * own SQLite file and talking HTTP on loopback, are killed with SIGKILL at seeded moments while
 * they push, pull and bootstrap, then restarted. After every kill:
 *
 * - the killed node's store opens as it is, with no repair step, in this process
 *   (`SqliteBackend.open`, `Instance.open`): every listed database holds a root, is closed
 *   under parents and store parents, every stored entry is reachable from the tips (each one is
 *   decoded and re-hashed as it is read), the tips are exactly the entries without a child, and
 *   a database whose bootstrap was cut off is neither listed nor openable;
 * - every write the admin API acknowledged (a `put` that returned) is in the store, and, once
 *   the node runs again, readable with `get`;
 * - sync resumes (a write on either side reaches the other) and the nodes converge: the same
 *   entry count and tips in `status` on every node.
 *
 * Three phases, one pair of nodes A and B reused across the first two:
 *
 * (a) pushes: one to three writers commit on A or B (seeded) through the admin API while that
 *     node pushes each commit to the other; the writing node is killed `delay` ms in.
 * (b) receiving and pulling: writers commit on A while A pushes to B, and B is killed; writes
 *     go on while B is down; B is restarted and killed again during the pull of what it missed
 *     (a `join` of the database it holds is a sync, pull first, racing the node's own catch-up),
 *     then restarted for good.
 * (c) bootstraps: A is stopped and a database of 800 entries of 12 KB (several pages) is written
 *     straight into its file; joiners bootstrap it from A (auto approval) and are killed at a
 *     seeded fraction of the time a full bootstrap took (less for a resumed one); once, at a
 *     seeded kill point, A is killed instead. A cut-off bootstrap is resumed by the next `join`
 *     on the same joiner. Once a joiner holds the whole database, a new joiner takes the next
 *     kill; a joiner whose `join` returned is left to keep in sync on its own, one whose `join`
 *     was cut off (even after its entries were all in) joins again at the end.
 *
 * Finally every node is stopped cleanly and A's and B's stores are compared in this process.
 *
 * The seed chooses the writers, the victims, the kill delays and the write counts; where a kill
 * lands also depends on the machine's speed. Replay a run's choices with `EIDETICA_SEED=<n>`
 * (every failure message names the seed); `EIDETICA_SOAK=1` kills five times as often.
 */
import { join } from "node:path";
import {
  DOCSTORE_TYPE,
  Doc,
  EntryBuilder,
  INDEX_STORE,
  Instance,
  SETTINGS_STORE,
  docToJsonBytes,
  encodeEntryMetadata,
  seededRandom,
  signEntry,
  type Database,
  type Entry,
  type ID,
} from "@eidetica/core";
import { SqliteBackend } from "@eidetica/storage-sqlite";
import { seedHint, soak, testSeed } from "@eidetica/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServingNode, cli, cliJson, tempRoot } from "./support/nodes.js";

const SEED = testSeed();
const SCALE = soak() ? 5 : 1;
/** Kill points per phase: (a) pushing nodes, (b) rounds of two kills of the receiver, (c) bootstraps. */
const PUSH_KILLS = 8 * SCALE;
const RECEIVE_ROUNDS = 4 * SCALE;
const BOOTSTRAP_KILLS = 7 * SCALE;
/** The bootstrapped database: entries of about 12 KB each, several pages of a bootstrap. */
const BULK_ENTRIES = 800;
const BULK_BODY_CHARS = 12_000;
/**
 * How long the nodes may take to agree. Pushes to a peer that failed wait for the engine's
 * backoff (at most 64 s + 20%); a sharer's pushes to a joiner whose bootstrap was cut off fail
 * until it joins again, so after many kills the next one can be a minute away.
 */
const CONVERGE_MS = 90_000;

/** An assertion message: what went wrong, the seed, and how to replay it. */
const say = (what: string) => `${what} [seed ${SEED}]${seedHint()}`;

type Rng = ReturnType<typeof seededRandom>;
/** A seeded stream per phase, so that changing one phase does not move the others' draws. */
const rngFor = (phase: number): Rng => seededRandom(BigInt(SEED) * 16n + BigInt(phase));
/** A seeded integer in [lo, hi]. */
const between = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng.nextFloat() * (hi - lo + 1));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Prints a phase's kill points as they happen, with the time into the phase and the seed. */
function phaseLog(): { push: (...lines: string[]) => void } {
  const began = performance.now();
  const log = { push: (...lines: string[]) => console.log(lines.map((line) => `[${((performance.now() - began) / 1000).toFixed(1)} s] ${line}`).join("\n")) };
  log.push(`seed ${SEED}`);
  return log;
}

/** Runs a test body; an error that does not name the seed yet (a failed admin call) gets it. */
const seeded = (body: () => Promise<void>) => async () => {
  try {
    await body();
  } catch (error) {
    if (error instanceof Error && !error.message.includes("EIDETICA_SEED=")) error.message = say(error.message);
    throw error;
  }
};

interface DbStatus {
  readonly id: ID;
  readonly entries: number;
  readonly tips: readonly ID[];
}

const tmp = tempRoot("eidetica-crash-");
const A = tmp.dir("a");
const B = tmp.dir("b");
/** Every node this file started and has not seen exit. */
const live = new Set<ServingNode>();
/** Nodes this file is killing: a call failing on one of them is expected. */
const killing = new WeakSet<ServingNode>();
/** Every write to `notes` the admin API acknowledged, over all phases: key to value. */
const acked = new Map<string, string>();

let a: ServingNode;
let b: ServingNode;
let notesId: ID;
let notesTicket: string;

async function start(dataDir: string, args: readonly string[] = []): Promise<ServingNode> {
  const node = await ServingNode.start(dataDir, ["--no-iroh", ...args]);
  live.add(node);
  void node.exited.then(() => live.delete(node));
  return node;
}

async function kill(node: ServingNode): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  killing.add(node);
  const exit = await node.stop("SIGKILL");
  live.delete(node);
  return exit;
}

/**
 * Commits `<prefix>-<i>` = `<prefix>=<i>` on `node`, one after another, until `done()` or until
 * the node is killed (the put in flight then is not acknowledged, and may or may not be kept).
 * Records each acknowledged write in `round`.
 */
async function writeUntil(node: ServingNode, prefix: string, round: Map<string, string>, done: () => boolean = () => false): Promise<void> {
  for (let i = 0; !done(); i++) {
    const key = `${prefix}-${i}`;
    const value = `${prefix}=${i}`;
    try {
      await node.call("put", { db: notesId, key, value });
    } catch (error) {
      if (killing.has(node)) return;
      throw new Error(say(`put ${key} failed on a node that was not killed: ${(error as Error).message}`), { cause: error });
    }
    round.set(key, value);
  }
}

interface Held {
  readonly entries: number;
  readonly tips: readonly ID[];
  /** The `data` DocStore, for the databases asked for. */
  readonly data?: Readonly<Record<string, unknown>>;
}

interface StoreView {
  readonly listed: ReadonlyMap<ID, Held>;
  /** Databases whose bootstrap did not finish, with the entries held so far. */
  readonly incomplete: ReadonlyMap<ID, number>;
}

/**
 * Opens a stopped node's store in this process, as it is, and checks it holds no partial
 * entry (see the file comment). Reads the `data` store of the databases in `readData`.
 */
async function inspect(dataDir: string, what: string, readData: readonly ID[] = []): Promise<StoreView> {
  let backend: SqliteBackend;
  let instance: Instance;
  try {
    backend = SqliteBackend.open(join(dataDir, "node.db"));
  } catch (error) {
    throw new Error(say(`${what}: the store does not open: ${(error as Error).message}`), { cause: error });
  }
  try {
    instance = await Instance.open({ backend });
  } catch (error) {
    await backend.close();
    throw new Error(say(`${what}: the instance does not open: ${(error as Error).message}`), { cause: error });
  }
  try {
    const listed = new Map<ID, Held>();
    for (const id of await instance.listDatabases()) {
      const tips = await backend.treeTips(id);
      const entries = await backend.ancestors(id, tips);
      const count = await backend.countEntries(id);
      const ids = new Set(entries.map((entry) => entry.id));
      expect(ids.has(id), say(`${what}: database ${id} is listed without its root`)).toBe(true);
      expect(entries.length, say(`${what}: ${id} holds ${count} entries but only ${entries.length} are reachable from its tips`)).toBe(count);
      const dangling: string[] = [];
      const parents = new Set<ID>();
      for (const entry of entries) {
        for (const parent of entry.parents) {
          parents.add(parent);
          if (!ids.has(parent)) dangling.push(`${entry.id} -> ${parent}`);
        }
        for (const store of entry.storeNames()) for (const parent of entry.storeParents(store)) if (!ids.has(parent)) dangling.push(`${entry.id} -(${store})-> ${parent}`);
      }
      expect(dangling, say(`${what}: ${id} holds entries whose parents are missing`)).toEqual([]);
      const childless = [...ids].filter((entry) => !parents.has(entry)).sort();
      expect([...tips].sort(), say(`${what}: the stored tips of ${id} are not the entries without a child`)).toEqual(childless);
      const data = readData.includes(id) ? (await (await instance.openDatabase(id)).storeState("data")).toPlain() : undefined;
      listed.set(id, { entries: count, tips, ...(data === undefined ? {} : { data }) });
    }
    const incomplete = new Map<ID, number>();
    for (const id of instance.incompleteDatabases()) {
      expect(listed.has(id), say(`${what}: the incomplete database ${id} is listed`)).toBe(false);
      await expect(instance.openDatabase(id), say(`${what}: the incomplete database ${id} opens`)).rejects.toMatchObject({ code: "NOT_FOUND" });
      incomplete.set(id, await backend.countEntries(id));
    }
    return { listed, incomplete };
  } finally {
    await instance.close();
  }
}

/** Checks that `view` holds every write of `writes` in `notes`. */
function expectWrites(view: StoreView, writes: ReadonlyMap<string, string>, what: string): void {
  const data = view.listed.get(notesId)?.data;
  expect(data, say(`${what}: notes is not in the store`)).toBeDefined();
  const lost = [...writes].filter(([key, value]) => data?.[key] !== value).map(([key]) => key);
  expect(lost, say(`${what}: acknowledged writes lost (${lost.length} of ${writes.size})`)).toEqual([]);
}

/** Reads every write of `writes` back with `get` on a running node. */
async function expectReadable(node: ServingNode, writes: ReadonlyMap<string, string>, what: string): Promise<void> {
  const read = await Promise.all(
    [...writes].map(async ([key, value]) => {
      const got = await node.call<{ value: unknown }>("get", { db: notesId, key }).then((r) => r.value, (error: Error) => `(${error.message})`);
      return got === value ? undefined : `${key}: ${String(got)}`;
    }),
  );
  expect(read.filter((line) => line !== undefined), say(`${what}: acknowledged writes not readable with get`)).toEqual([]);
}

const sameTips = (x: readonly ID[], y: readonly ID[]) => x.length === y.length && x.every((tip, i) => tip === y[i]);

/** Polls `status db` on every node until all report the same entry count and tips. */
async function converge(nodes: readonly ServingNode[], db: ID, what: string): Promise<DbStatus> {
  const deadline = Date.now() + CONVERGE_MS;
  let seen: (DbStatus | string)[] = [];
  for (;;) {
    seen = await Promise.all(nodes.map((node) => node.call<DbStatus>("status", { db }).catch((error: Error) => error.message)));
    const [first] = seen;
    if (typeof first === "object" && seen.every((s) => typeof s === "object" && s.entries === first.entries && sameTips([...s.tips].sort(), [...first.tips].sort()))) return first;
    if (Date.now() > deadline) break;
    await sleep(100);
  }
  const shown = seen.map((s) => (typeof s === "string" ? s : { entries: s.entries, tips: s.tips }));
  // What each node knows of its peers, to tell a lost relationship from an unreachable address.
  const peers = await Promise.all(
    nodes.map(async (node) => ({
      node: node.ready.id,
      addresses: node.ready.addresses.map((x) => x.address),
      peers: await node
        .call<{ key: string; status: string; addresses: { address: string }[]; databases: string[]; lastError: unknown }[]>("peers")
        .then((list) => list.map((p) => ({ key: p.key, status: p.status, addresses: p.addresses.map((x) => x.address), related: p.databases.includes(db), lastError: p.lastError })))
        .catch((error: Error) => error.message),
    })),
  );
  throw new Error(say(`${what}: the nodes did not converge on ${db} within ${CONVERGE_MS} ms: ${JSON.stringify(shown)}; peers: ${JSON.stringify(peers)}`));
}

/** F10: a restarted node still knows its peer, related to the database, with sync enabled. */
async function expectPeerKept(node: ServingNode, peer: ServingNode, db: ID, what: string): Promise<void> {
  const peers = await node.call<{ key: string; databases: string[] }[]>("peers");
  const record = peers.find((p) => p.key === peer.ready.id);
  expect(record?.databases ?? [], say(`${what}: the restarted node lost its peer or the relationship`)).toContain(db);
  const status = await node.call<{ syncEnabled: boolean }>("status", { db });
  expect(status.syncEnabled, say(`${what}: the restarted node lost the database's sync setting`)).toBe(true);
}

/** A write on `from` reaches `to`, and one on `to` reaches `from`: sync runs both ways. */
async function expectSyncBothWays(from: ServingNode, to: ServingNode, db: ID, tag: string, what: string, record = true): Promise<void> {
  for (const [writer, reader, side] of [
    [from, to, "there"],
    [to, from, "back"],
  ] as const) {
    const key = `resume-${tag}-${side}`;
    await writer.call("put", { db, key, value: key });
    if (record && db === notesId) acked.set(key, key);
    const read = await reader.call<{ value: unknown }>("get", { db, key, wait: key, timeoutMs: CONVERGE_MS }).catch((error: Error) => error.message);
    expect(typeof read === "object" ? read.value : read, say(`${what}: sync did not resume (${side})`)).toBe(key);
  }
}

/**
 * Appends `count` signed entries of about `bodyChars` bytes each to `db` in one atomic write,
 * shaped like `appendSignedChain` of @eidetica/core/workloads (one parent each, a DocStore
 * `bulk` registered in `_index` by the first), so that a large history takes a second to build.
 */
async function appendBulk(db: Database, count: number, bodyChars: number): Promise<void> {
  const { backend } = db.instance;
  const metadata = encodeEntryMetadata({ settingsTips: await backend.storeTips(db.id, SETTINGS_STORE), entropy: null });
  let tips = await db.tips();
  let height = Math.max(0, ...(await backend.getEntries(tips)).map((entry) => entry?.height ?? 0));
  let bulkTips = await backend.storeTips(db.id, "bulk");
  const body = "0123456789".repeat(Math.ceil(bodyChars / 10)).slice(0, bodyChars);
  const out: Entry[] = [];
  for (let i = 1; i <= count; i++) {
    height++;
    const builder = new EntryBuilder(db.id)
      .parents(tips)
      .height(height)
      .metadata(metadata)
      .storeData("bulk", docToJsonBytes(new Doc().set("n", i).set("body", body)))
      .storeParents("bulk", bulkTips);
    if (i === 1) {
      builder.storeData(INDEX_STORE, docToJsonBytes(new Doc().set("bulk", Doc.from({ type: DOCSTORE_TYPE, config: {} })))).storeParents(INDEX_STORE, await backend.storeTips(db.id, INDEX_STORE));
    }
    const entry = signEntry(builder.build(), db.signingKey);
    out.push(entry);
    tips = [entry.id];
    bulkTips = [entry.id];
  }
  await backend.putEntries(out, "verified");
}

beforeAll(seeded(async () => {
  await Promise.all([cliJson(A, ["init", "--no-iroh"]), cliJson(B, ["init", "--no-iroh"])]);
  [a, b] = await Promise.all([start(A), start(B)]);
  notesId = (await a.call<{ id: ID }>("create", { name: "notes" })).id;
  notesTicket = (await a.call<{ ticket: string }>("share", { db: notesId })).ticket;
  // The manual flow: the first join waits for approval, the second one fetches.
  const pending = await b.call("join", { ticket: notesTicket }).then(
    () => undefined,
    (error: { code?: string; requestId?: string }) => error,
  );
  expect(pending?.code, say("the first join of notes did not wait for approval")).toBe("BOOTSTRAP_PENDING");
  await a.call("approve", { id: pending?.requestId });
  await b.call("join", { ticket: notesTicket });
  await expectSyncBothWays(a, b, notesId, "setup", "setup");
}), 60_000);

afterAll(async () => {
  await Promise.all([...live].map((node) => node.stop("SIGKILL")));
  tmp.cleanup();
}, 30_000);

describe("SIGKILL during sync (F8, F10)", () => {
  it(`(a) ${PUSH_KILLS} kills of the node that commits and pushes`, seeded(async () => {
    const rng = rngFor(1);
    const lines = phaseLog();
    const firstOnA = rng.nextFloat() < 0.5;
    for (let round = 0; round < PUSH_KILLS; round++) {
      // Both sides write and push: alternate, starting on a seeded side.
      const onA = round % 2 === 0 ? firstOnA : !firstOnA;
      const victim = onA ? a : b;
      const writers = between(rng, 1, 3);
      const delay = between(rng, 20, 600);
      const writes = new Map<string, string>();
      const writing = Array.from({ length: writers }, (_, w) => writeUntil(victim, `a${round}w${w}`, writes));
      await sleep(delay);
      const exit = await kill(victim);
      await Promise.all(writing);
      const what = `(a) kill ${round + 1}/${PUSH_KILLS}: ${onA ? "A" : "B"} killed ${delay} ms into ${writers} writer(s), after ${writes.size} acknowledged puts`;
      expect(exit.signal, say(`${what}: the node was not killed by SIGKILL`)).toBe("SIGKILL");
      for (const [key, value] of writes) acked.set(key, value);
      // Everything acknowledged so far: earlier rounds converged, and this round wrote here.
      expectWrites(await inspect(onA ? A : B, what, [notesId]), acked, what);
      if (round === 0) {
        // The CLI, run without a server, opens the killed node's store itself.
        const run = await cli(["--data", onA ? A : B, "--json", "status", notesId]);
        expect(run.code, say(`${what}: \`eidetica status\` on the killed node's data failed: ${run.stderr}`)).toBe(0);
      }
      const restarted = await start(onA ? A : B);
      if (onA) a = restarted;
      else b = restarted;
      await expectReadable(restarted, writes, `${what}, after the restart`);
      await expectPeerKept(restarted, onA ? b : a, notesId, what);
      const agreed = await converge([a, b], notesId, what);
      await expectReadable(onA ? b : a, writes, `${what}, on the other node`);
      await expectSyncBothWays(restarted, onA ? b : a, notesId, `a${round}`, what);
      lines.push(`${what}; converged at ${agreed.entries} entries`);
    }
  }), 240_000);

  it(`(b) ${2 * RECEIVE_ROUNDS} kills of the receiving node: while pushed to, and while it pulls`, seeded(async () => {
    const rng = rngFor(2);
    const lines = phaseLog();
    for (let round = 0; round < RECEIVE_ROUNDS; round++) {
      const writers = between(rng, 1, 2);
      const delay = between(rng, 20, 500);
      const whileDown = between(rng, 30, 120);
      const pullDelay = between(rng, 0, 250);
      const writes = new Map<string, string>();
      let until = Number.POSITIVE_INFINITY;
      const writing = Array.from({ length: writers }, (_, w) => writeUntil(a, `b${round}w${w}`, writes, () => writes.size >= until));
      await sleep(delay);
      await kill(b);
      const atKill = writes.size;
      until = atKill + whileDown;
      await Promise.all(writing);
      for (const [key, value] of writes) acked.set(key, value);
      const what = `(b) round ${round + 1}/${RECEIVE_ROUNDS}: B killed ${delay} ms into pushes of ${writers} writer(s) on A (${atKill} acknowledged, then ${writes.size - atKill} more while B was down)`;
      // B keeps what earlier rounds converged on; of this round it may hold any prefix.
      const earlier = new Map([...acked].filter(([key]) => !writes.has(key)));
      const first = await inspect(B, what, [notesId]);
      expectWrites(first, earlier, what);
      const heldBefore = first.listed.get(notesId)?.entries ?? 0;
      if (round === 0) {
        const run = await cli(["--data", B, "--json", "status"]);
        expect(run.code, say(`${what}: \`eidetica status\` on the killed node's data failed: ${run.stderr}`)).toBe(0);
      }

      // Restarted, B catches up; a join of a database it holds is a pull then a push. Kill it during that.
      b = await start(B);
      const pulling = b.call("join", { ticket: notesTicket }).then(
        () => "finished before the kill",
        () => "cut off",
      );
      await sleep(pullDelay);
      await kill(b);
      const pull = await pulling;
      const what2 = `(b) round ${round + 1}/${RECEIVE_ROUNDS}: B killed ${pullDelay} ms into its catch-up pull of ${writes.size} entries (pull ${pull})`;
      const second = await inspect(B, what2, [notesId]);
      expectWrites(second, earlier, what2);
      const heldAfter = second.listed.get(notesId)?.entries ?? 0;
      expect(heldAfter, say(`${what2}: B holds fewer entries than before the restart`)).toBeGreaterThanOrEqual(heldBefore);

      b = await start(B);
      const agreed = await converge([a, b], notesId, what2);
      await expectReadable(b, writes, `${what2}, after the restart`);
      await expectPeerKept(b, a, notesId, what2);
      await expectSyncBothWays(b, a, notesId, `b${round}`, what2);
      lines.push(`${what}: B held ${heldBefore} entries`, `${what2}: B held ${heldAfter} entries; converged at ${agreed.entries}`);
    }
  }), 240_000);

  it(`(c) ${BOOTSTRAP_KILLS} kills during bootstraps of a database of ${BULK_ENTRIES} large entries`, seeded(async () => {
    const rng = rngFor(3);
    const lines = phaseLog();
    // Write the large history straight into A's file while A is stopped.
    await a.stop("SIGTERM");
    live.delete(a);
    const backend = SqliteBackend.open(join(A, "node.db"));
    const instance = await Instance.openOrCreate({ backend });
    const bulk = await instance.createDatabase({ name: "bulk" });
    await appendBulk(bulk, BULK_ENTRIES, BULK_BODY_CHARS);
    const bulkId = bulk.id;
    await instance.close();
    a = await start(A, ["--approval", "auto"]);
    const ticket = (await a.call<{ ticket: string }>("share", { db: bulkId })).ticket;

    const joiners: { name: string; dir: string; node: ServingNode; complete: boolean }[] = [];
    const newJoiner = async () => {
      const name = `c${joiners.length}`;
      const dir = tmp.dir(name);
      await cliJson(dir, ["init", "--no-iroh"]);
      const joiner = { name, dir, node: await start(dir), complete: false };
      joiners.push(joiner);
      return joiner;
    };

    // One complete bootstrap first: a joiner that must keep converging, and the duration the
    // kill delays are drawn as fractions of (resumed bootstraps are shorter).
    const reference = await newJoiner();
    const joinStarted = performance.now();
    const full = await reference.node.call<{ received: number }>("join", { ticket });
    const fullMs = Math.max(50, Math.round(performance.now() - joinStarted));
    expect(full.received, say("(c) the reference bootstrap received fewer entries than the database holds")).toBeGreaterThanOrEqual(BULK_ENTRIES + 1);
    reference.complete = true;
    lines.push(`(c) a full bootstrap of ${full.received} entries took ${fullMs} ms`);

    const sharerKill = between(rng, 0, BOOTSTRAP_KILLS - 1);
    let joiner = await newJoiner();
    const outcomes = { absent: 0, partial: 0, complete: 0 };
    /** Entries the current joiner holds of a cut-off bootstrap (a resumed one has less to do). */
    let resumedFrom = 0;
    for (let k = 0; k < BOOTSTRAP_KILLS; k++) {
      const left = Math.max(0.2, 1 - resumedFrom / full.received);
      const fraction = 0.02 + 0.83 * rng.nextFloat();
      const delay = Math.round(fraction * left * fullMs);
      const killSharer = k === sharerKill;
      const joining = joiner.node.call("join", { ticket }).then(
        () => "finished before the kill",
        (error: Error) => `cut off (${error.message.slice(0, 80)})`,
      );
      await sleep(delay);
      const victim = killSharer ? a : joiner.node;
      await kill(victim);
      const join = await joining;
      const what = `(c) kill ${k + 1}/${BOOTSTRAP_KILLS}: ${killSharer ? "the sharer A" : `joiner ${joiner.name}`} killed ${delay} ms into a bootstrap (join ${join})`;

      let state: keyof typeof outcomes;
      let partialEntries = 0;
      if (killSharer) {
        // A's own store survives, notes included; the joiner, still running, shows no partial database.
        expectWrites(await inspect(A, what, [notesId]), acked, what);
        const status = await joiner.node.call<{ databases: DbStatus[] }>("status").catch(async (error: Error) => {
          const exit = joiner.node.child.exitCode ?? joiner.node.child.signalCode;
          throw new Error(say(`${what}: the joiner, not killed, does not answer (${error.message}; exit ${String(exit)}): ${joiner.node.stderr.slice(-3000)}`));
        });
        const shown = status.databases.find((d) => d.id === bulkId);
        state = shown === undefined ? "absent" : "complete";
        if (shown !== undefined) expect(join, say(`${what}: the joiner lists the database but its join failed`)).toBe("finished before the kill");
        a = await start(A, ["--approval", "auto"]);
      } else {
        const view = await inspect(joiner.dir, what);
        const held = view.listed.get(bulkId);
        const partial = view.incomplete.get(bulkId);
        if (held !== undefined) {
          state = "complete";
          expect(held.entries, say(`${what}: the joiner lists the database with only part of its history`)).toBeGreaterThanOrEqual(BULK_ENTRIES + 1);
        } else {
          partialEntries = partial ?? 0;
          resumedFrom = partialEntries;
          state = partialEntries > 0 ? "partial" : "absent";
        }
        if (k === 0) {
          const run = await cli(["--data", joiner.dir, "--json", "status"]);
          expect(run.code, say(`${what}: \`eidetica status\` on the killed joiner's data failed: ${run.stderr}`)).toBe(0);
          const listed = (JSON.parse(run.stdout) as { databases: DbStatus[] }).databases.map((d) => d.id);
          expect(listed.includes(bulkId), say(`${what}: \`eidetica status\` disagrees with the store on whether the database is there`)).toBe(held !== undefined);
        }
        joiner.node = await start(joiner.dir);
      }
      outcomes[state]++;
      lines.push(`${what}: ${state}${state === "partial" ? ` (${partialEntries} entries held, hidden)` : ""}`);
      // The next kill goes to a joiner that still has a bootstrap to do.
      if (state === "complete") {
        // Only a join that returned is done; one cut off after the entries were all in must be
        // run again (below), like any command that did not report success.
        joiner.complete = join === "finished before the kill";
        joiner = await newJoiner();
        resumedFrom = 0;
      }
    }

    // A new join finishes every cut-off bootstrap (joiners whose join returned are left to sync
    // on their own); then everyone agrees, and sync runs both ways.
    for (const j of joiners.filter((j) => !j.complete)) {
      const done = await j.node.call<{ db: ID }>("join", { ticket }).catch((error: Error) => error.message);
      expect(typeof done === "object" ? done.db : done, say(`(c) joining again on ${j.name} did not finish the bootstrap`)).toBe(bulkId);
      lines.push(`(c) joined again on ${j.name}`);
    }
    const agreed = await converge([a, ...joiners.map((j) => j.node)], bulkId, "(c) after the bootstraps");
    lines.push(`(c) ${joiners.length} joiners and A agree at ${agreed.entries} entries`);
    expect(agreed.entries, say("(c) the joined database lacks entries")).toBeGreaterThanOrEqual(BULK_ENTRIES + 1);
    const last = joiners.at(-1);
    if (last !== undefined) await expectSyncBothWays(last.node, a, bulkId, "c", "(c) after the bootstraps", false);
    lines.push(`(c) a write on ${last?.name ?? "no joiner"} reached A, and one on A came back`);
    const after = await converge([a, ...joiners.map((j) => j.node)], bulkId, "(c) after a write on the last joiner");
    lines.push(`(c) outcomes at the kills: ${JSON.stringify(outcomes)}; ${joiners.length} joiners and A converged at ${after.entries} entries`);
  }), 300_000);

  it("after a clean stop, every store holds every acknowledged write and A and B agree", seeded(async () => {
    const nodes = [...live];
    const exits = await Promise.all(nodes.map((node) => node.stop("SIGTERM")));
    for (const node of nodes) live.delete(node);
    const unclean = nodes.flatMap((node, i) => (exits[i]?.code === 0 ? [] : [`${node.dataDir} exited ${String(exits[i]?.code ?? exits[i]?.signal)}: ${node.stderr.slice(-2000)}`]));
    expect(unclean, say("a node did not stop cleanly on SIGTERM")).toEqual([]);
    const viewA = await inspect(A, "A after a clean stop", [notesId]);
    const viewB = await inspect(B, "B after a clean stop", [notesId]);
    expectWrites(viewA, acked, "A after a clean stop");
    expectWrites(viewB, acked, "B after a clean stop");
    const notesA = viewA.listed.get(notesId);
    const notesB = viewB.listed.get(notesId);
    expect(notesB?.tips, say("A and B stopped with different tips of notes")).toEqual(notesA?.tips);
    expect(notesB?.data, say("A and B stopped with different notes")).toEqual(notesA?.data);
  }), 60_000);
});
