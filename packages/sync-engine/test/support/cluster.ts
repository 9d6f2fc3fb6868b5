/**
 * A small stand-in for the Rust `Cluster` harness (spec 6.1): n nodes on one simulated world,
 * a database shared by all of them, pairwise exchanges, rounds until convergence, and the
 * invariant checks (same tips, same entry IDs, every entry signed by a key the database grants).
 *
 * Differences from the Rust harness: there are no users (each node signs with its device key),
 * and `exchange(a, b, db)` is one `a.sync.syncWithPeer(b.address, db)`, which pulls and pushes.
 */
import {
  READ,
  admin,
  isEideticaError,
  permits,
  verifyEntrySignature,
  write,
  type Database,
  type EideticaError,
  type Entry,
  type ID,
  type Permission,
  type ValueInput,
} from "@eidetica/core";
import type { ApprovalPolicy, SyncReport } from "@eidetica/sync-engine";
import { expect } from "vitest";
import { keyFromSeed, world, type Node, type NodeOptions, type World } from "./world.js";

/** The DocStore the cluster helpers read and write (as `cluster_put` / `cluster_get` do). */
export const DATA = "data";

/** n nodes on one world. */
export interface Cluster {
  readonly world: World;
  readonly nodes: readonly Node[];
}

/** Creates `n` nodes named `peer0…` on one world with seed `seed`. */
export async function cluster(n: number, seed = 1, options: NodeOptions = {}): Promise<Cluster> {
  const w = world(seed);
  const nodes: Node[] = [];
  for (let i = 0; i < n; i++) nodes.push(await w.node(`peer${i}`, options));
  return { world: w, nodes };
}

/** Options of {@link sharedDatabase}. */
export interface SharedDatabaseOptions {
  readonly name?: string;
  /**
   * How the other nodes may write: `"global"` (default, as the Rust helper): an active global
   * Admin(10) grant, each node bootstrapping with a Write(10) request the grant covers;
   * `"direct"`: each node's device key granted Write(10) in the settings.
   */
  readonly grant?: "global" | "direct";
  /** Write `data.seed` on node 0 before the others bootstrap (as the Rust helper does). Default true. */
  readonly seedEntry?: boolean;
}

/**
 * `cluster_shared_database`: a database created by node 0 (its device key Admin(0)), writable
 * by every other node (see {@link SharedDatabaseOptions.grant}), seeded with `data.seed`,
 * served by every node; the others bootstrap it from node 0. Returns its ID.
 */
export async function sharedDatabase(c: Cluster, options: SharedDatabaseOptions = {}): Promise<ID> {
  const [first, ...rest] = c.nodes;
  if (first === undefined) throw new Error("a cluster needs a node");
  const db = await first.instance.createDatabase({ name: options.name ?? "shared" });
  const global = options.grant !== "direct";
  await db.withTransaction(async (txn) => {
    const settings = await txn.settings();
    if (global) settings.setGlobalKey({ permission: admin(10), status: "Active" });
    else for (const node of rest) settings.setAuthKey(node.instance.id, { name: node.name, permission: write(10), status: "Active" });
  });
  if (options.seedEntry !== false) await db.withTransaction(async (txn) => (await txn.docStore(DATA)).set("seed", true));
  await first.sync.enableSync(db.id);
  for (const node of rest) {
    const result = await node.sync.bootstrap(first.address, { database: db.id, requestingKey: node.instance.deviceKey, permission: write(10) });
    expect(result.db.id).toBe(db.id);
    expect(result.grantedPermission).toEqual(write(10));
    await node.sync.enableSync(db.id);
  }
  return db.id;
}

/** Opens database `db` on `node` (signing with its device key). */
export function open(node: Node, db: ID): Promise<Database> {
  return node.instance.openDatabase(db);
}

/** Writes `key = value` into the `data` DocStore of `db` on `node`. */
export async function put(node: Node, db: ID, key: string, value: ValueInput): Promise<ID> {
  return (await open(node, db)).withTransaction(async (txn) => (await txn.docStore(DATA)).set(key, value));
}

/** The `data` DocStore of `db` on `node`, as plain JSON. */
export async function data(node: Node, db: ID): Promise<Record<string, unknown>> {
  return (await (await open(node, db)).storeState(DATA)).toPlain() as Record<string, unknown>;
}

/** `a` syncs `db` with `b`, both ways. */
export function exchange(a: Node, b: Node, db: ID): Promise<SyncReport> {
  return a.sync.syncWithPeer(b.address, db);
}

/** The tips of `db` on `node`. */
export async function tipsOf(node: Node, db: ID): Promise<ID[]> {
  return node.instance.backend.treeTips(db);
}

/** Every entry of `db` on `node`, parents first. */
export async function entriesOf(node: Node, db: ID): Promise<Entry[]> {
  return (await open(node, db)).entries();
}

/** The sorted IDs of every entry of `db` on `node`. */
export async function entryIds(node: Node, db: ID): Promise<ID[]> {
  return (await entriesOf(node, db)).map((e) => e.id).sort();
}

/** True if every node has the same tips for `db`. */
export async function converged(nodes: readonly Node[], db: ID): Promise<boolean> {
  const tips = await Promise.all(nodes.map((n) => tipsOf(n, db)));
  const first = JSON.stringify(tips[0]);
  return tips.every((t) => JSON.stringify(t) === first);
}

/**
 * Rounds of pairwise exchanges (every pair, in order) until every node has the same tips.
 * Returns the rounds it took; throws after `maxRounds` (default: the node count).
 */
export async function converge(nodes: readonly Node[], db: ID, maxRounds = nodes.length): Promise<number> {
  for (let round = 1; round <= maxRounds; round++) {
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) await exchange(nodes[i] as Node, nodes[j] as Node, db);
    }
    if (await converged(nodes, db)) return round;
  }
  const tips = await Promise.all(nodes.map(async (n) => `${n.name}: ${(await tipsOf(n, db)).join(",")}`));
  throw new Error(`not converged after ${maxRounds} rounds:\n${tips.join("\n")}`);
}

/** Every node holds the same tips (with a diagnostic). */
export async function assertSameTips(nodes: readonly Node[], db: ID, hint = ""): Promise<void> {
  const tips = await Promise.all(nodes.map((n) => tipsOf(n, db)));
  for (let i = 1; i < nodes.length; i++) expect(tips[i], `tips of ${nodes[i]?.name} vs ${nodes[0]?.name}${hint}`).toEqual(tips[0]);
}

/** `assert_no_lost_entries`: every node holds the same set of entry IDs. */
export async function assertNoLostEntries(nodes: readonly Node[], db: ID, hint = ""): Promise<ID[]> {
  const sets = await Promise.all(nodes.map((n) => entryIds(n, db)));
  for (let i = 1; i < nodes.length; i++) expect(sets[i], `entry IDs of ${nodes[i]?.name} vs ${nodes[0]?.name}${hint}`).toEqual(sets[0]);
  return sets[0] ?? [];
}

/** `assert_all_present`: every node holds every one of `ids`. */
export async function assertAllPresent(nodes: readonly Node[], ids: readonly ID[], hint = ""): Promise<void> {
  for (const node of nodes) {
    for (const id of ids) expect(await node.instance.backend.hasEntry(id), `${node.name} lacks ${id}${hint}`).toBe(true);
  }
}

/**
 * `assert_all_signed` (and `assert_all_verified`): on every node, every entry of `db` carries
 * a signature that verifies with the key its hint names, that key may write (Admin for the root
 * and settings) under the database's current grants, and the entry is stored verified.
 */
export async function assertAllSigned(nodes: readonly Node[], db: ID, hint = ""): Promise<number> {
  let checked = 0;
  for (const node of nodes) {
    const database = await open(node, db);
    const auth = await database.auth();
    for (const entry of await database.entries()) {
      const key = "Direct" in entry.sig.key ? entry.sig.key.Direct.hint.pubkey : undefined;
      expect(entry.sig.sig, `${node.name}: ${entry.id} is unsigned${hint}`).toBeDefined();
      expect(key, `${node.name}: ${entry.id} names no public key${hint}`).toBeDefined();
      expect(verifyEntrySignature(entry), `${node.name}: ${entry.id} has a bad signature${hint}`).toBe(true);
      const held = auth.permissionOf(key as string);
      expect(held !== undefined && permits(held, READ) && held.level !== "Read", `${node.name}: ${entry.id} signer ${key} may not write${hint}`).toBe(true);
      expect(await node.instance.backend.getStatus(entry.id), `${node.name}: ${entry.id} is not verified${hint}`).toBe("verified");
      checked++;
    }
  }
  return checked;
}

/** The error `promise` rejects with (fails the test if it resolves or throws a non-Eidetica error). */
export async function failure(promise: Promise<unknown>): Promise<EideticaError> {
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error(`expected a failure, but it succeeded (${typeof outcome.value})`);
  if (!isEideticaError(outcome.error)) throw new Error(`expected an EideticaError, got ${String(outcome.error)}`, { cause: outcome.error });
  return outcome.error;
}

/** True if `db` is held and openable on `node`. */
export async function holds(node: Node, db: ID): Promise<boolean> {
  return (await node.instance.listDatabases()).includes(db);
}

/** A seeded Fisher-Yates shuffle using `next()` in [0, 1). */
export function shuffle<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The key that creates server databases (the Rust helpers' user key); Admin(0). */
export const USER_KEY = keyFromSeed(201);

/** Options of {@link serverWithDatabase}. */
export interface ServerOptions {
  readonly nodeName?: string;
  readonly dbName?: string;
  /** Who is granted when they ask (default: manual approval). */
  readonly approval?: ApprovalPolicy;
  /** An active global grant (the Rust "wildcard server" has Admin(0)). */
  readonly global?: Permission;
}

/**
 * A node serving one database created by {@link USER_KEY} (Admin(0)), with its device key also
 * Admin(0): the Rust `setup_manual_approval_server`, or with `global` the wildcard server.
 * The returned handle signs with {@link USER_KEY}.
 */
export async function serverWithDatabase(w: World, options: ServerOptions = {}): Promise<{ server: Node; db: Database }> {
  const server = await w.node(options.nodeName ?? "server", options.approval === undefined ? {} : { approval: options.approval });
  const db = await server.instance.createDatabase({ name: options.dbName ?? "server db", signingKey: USER_KEY });
  await db.withTransaction(async (txn) => {
    const settings = await txn.settings();
    settings.setAuthKey(server.instance.id, { name: "device", permission: admin(0), status: "Active" });
    if (options.global !== undefined) settings.setGlobalKey({ permission: options.global, status: "Active" });
  });
  await server.sync.enableSync(db.id);
  return { server, db };
}

