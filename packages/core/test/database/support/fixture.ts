/**
 * A "server" that commits valid entries through the normal API, and receivers that ingest
 * them. Everything is deterministic: seeded randomness and manual clocks.
 */
import { expect } from "vitest";
import {
  Transaction,
  type Database,
  type Entry,
  type ID,
  type IngestResult,
  type Permission,
  type SigningKey,
} from "../../../src/index.js";
import { makeNode, type Node } from "./harness.js";

/** A server node with one database whose first Admin is the device key. */
export interface Server {
  readonly node: Node;
  readonly db: Database;
  readonly admin: SigningKey;
}

/** Creates a server with a database named `name`. */
export async function makeServer(seed = 1, name = "adversarial"): Promise<Server> {
  const node = await makeNode(seed);
  const db = await node.instance.createDatabase({ name });
  return { node, db, admin: node.instance.deviceKey };
}

/** Commits `notes.<key> = value` with the database handle's key, at the current tips or at `parents`. */
export async function commitNote(db: Database, key: string, value: string | number, parents?: readonly ID[]): Promise<Entry> {
  const txn = parents === undefined ? await db.newTransaction() : await Transaction.begin(db, parents);
  (await txn.docStore("notes")).set(key, value);
  const id = await txn.commit();
  return (await db.entry(id)) as Entry;
}

/** Grants `pubkey` a permission (committed by the handle's key, which must be Admin). */
export async function commitGrant(db: Database, pubkey: string, permission: Permission, parents?: readonly ID[]): Promise<Entry> {
  const txn = parents === undefined ? await db.newTransaction() : await Transaction.begin(db, parents);
  (await txn.settings()).setAuthKey(pubkey, { permission, status: "Active" });
  const id = await txn.commit();
  return (await db.entry(id)) as Entry;
}

/** Revokes `pubkey` (committed by the handle's key, which must be Admin). */
export async function commitRevoke(db: Database, pubkey: string, parents?: readonly ID[]): Promise<Entry> {
  const txn = parents === undefined ? await db.newTransaction() : await Transaction.begin(db, parents);
  (await txn.settings()).revokeKey(pubkey);
  const id = await txn.commit();
  return (await db.entry(id)) as Entry;
}

/** Expects every verdict of a result to be `stored`. */
export function expectAllStored(result: IngestResult): void {
  expect(result.verdicts.map((v) => [v.id, v.status, v.error?.message])).toEqual(result.verdicts.map((v) => [v.id, "stored", undefined]));
}

/** A fresh receiver that has ingested `entries` (all of which must be stored). */
export async function receiverWith(
  seed: number,
  db: ID,
  entries: readonly Entry[],
  options: Parameters<typeof makeNode>[1] = {},
): Promise<Node> {
  const from = "origin";
  const node = await makeNode(seed, options);
  if (entries.length > 0) expectAllStored(await node.instance.ingest(db, entries, { from }));
  return node;
}
