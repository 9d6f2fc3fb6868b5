/**
 * Everything the store keeps survives a restart, byte for byte, on both backends (a real
 * SQLite file and a MemoryBackend reopened): seeded random contents, many trials (reliability
 * F10: peers, relationships and settings round-trip; pending retries are not forgotten).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryBackend, READ, admin, seededRandom, write, type Backend } from "@eidetica/core";
import { SqliteBackend } from "@eidetica/storage-sqlite";
import type { PeerStore } from "@eidetica/peer-store";
import { seedHint, testSeed } from "@eidetica/test-kit";
import { afterAll, describe, expect, it } from "vitest";
import { dbOf, http, iroh, keyOf, openStore, reopen } from "./support.js";

const dir = mkdtempSync(join(tmpdir(), "eidetica-peer-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Everything readable from a store, as one JSON text. */
function snapshot(store: PeerStore): string {
  return JSON.stringify({
    peers: store.peers.list(),
    relationships: store.relationships.list(),
    cursors: store.peers.list().flatMap((p) => store.cursors.ofPeer(p.pubkey)),
    retries: store.retries.list(),
    requests: store.requests.list(),
    databases: store.databases.list(),
    transports: ["http", "iroh"].map((name) => store.transports.get(name) ?? null),
    bans: store.bans.list(),
  });
}

/** Fills a store with seeded random records of every kind. */
async function fill(store: PeerStore, seed: number, now: () => number): Promise<void> {
  const random = seededRandom(seed);
  const n = (max: number) => random.nextU32() % max;
  const peers = 1 + n(5);
  for (let p = 1; p <= peers; p++) {
    await store.peers.register(keyOf(p), { displayName: n(2) === 0 ? null : `peer ${p}`, addresses: [http(`127.0.0.1:${1_000 + n(9_000)}`), iroh(`node${n(1_000)}`)] });
    if (n(3) === 0) await store.peers.setStatus(keyOf(p), "inactive");
    if (n(2) === 0) await store.peers.recordFailure(keyOf(p), `error ${n(100)}`);
    for (let d = 0; d < n(4); d++) {
      const db = dbOf(`db${d}`);
      await store.relationships.add(keyOf(p), db);
      await store.cursors.set(keyOf(p), db, [dbOf(`tip${n(100)}`), dbOf(`tip${n(100)}`)]);
      if (n(2) === 0) await store.retries.set({ peer: keyOf(p), database: db, attempts: 1 + n(9), nextAttemptAt: now() + n(64_000), lastError: "unreachable" });
    }
  }
  const permissions = [READ, write(n(20)), admin(n(3))];
  for (let r = 0; r < n(4); r++) {
    const request = await store.requests.add({
      database: dbOf(`db${n(3)}`),
      requestingKey: keyOf(10 + r),
      keyName: `key ${r}`,
      permission: permissions[n(3)] ?? READ,
      peerKey: n(2) === 0 ? null : keyOf(1),
      peerAddress: n(2) === 0 ? null : http("127.0.0.1:9"),
      metadata: n(2) === 0 ? null : { children: { note: { Text: `hello ${r}` } } },
    });
    if (n(3) === 0) await store.requests.decide(request.id, n(2) === 0 ? "approved" : "rejected", keyOf(1));
  }
  for (let d = 0; d < 1 + n(3); d++) {
    await store.databases.set(dbOf(`db${d}`), { syncEnabled: n(2) === 0, syncOnCommit: n(2) === 0, intervalSeconds: n(2) === 0 ? null : 1 + n(600), properties: { owner: `p${n(5)}` } });
  }
  await store.transports.set("iroh", { secret_key: `${n(1_000_000)}`.padStart(64, "0") });
  if (n(2) === 0) await store.bans.ban(`key:${keyOf(1)}`, 60_000, "test");
}

const backends: [string, (trial: number) => Backend][] = [
  ["SQLite file", (trial) => SqliteBackend.open(join(dir, `store-${trial}.db`))],
  ["MemoryBackend", () => new MemoryBackend()],
];

describe.each(backends)("restart round trip on %s", (_, makeBackend) => {
  it("20 seeded stores read back byte-equal after a restart, and keep working", async () => {
    const base = testSeed();
    for (let trial = 0; trial < 20; trial++) {
      const backend = makeBackend(trial);
      const { store, clock } = await openStore({ backend, seed: trial + 1 });
      await fill(store, base + trial, () => clock.nowMillis());
      const before = snapshot(store);
      if (backend instanceof SqliteBackend) {
        await backend.close();
        const again = SqliteBackend.open(join(dir, `store-${trial}.db`));
        const restarted = await reopen(again, clock);
        expect(snapshot(restarted), `trial ${trial}${seedHint()}`).toBe(before);
        expect(restarted.databaseId).toBe(store.databaseId);
        expect(restarted.invalidRows).toBe(0);
        await restarted.peers.register(keyOf(99));
        expect(restarted.peers.has(keyOf(99))).toBe(true);
        await again.close();
      } else {
        const restarted = await reopen(backend, clock);
        expect(snapshot(restarted), `trial ${trial}${seedHint()}`).toBe(before);
        expect(restarted.databaseId).toBe(store.databaseId);
      }
    }
  });
});

describe("the _sync database", () => {
  it("is created once, signed by the device key, named _sync, and found again through the instance metadata", async () => {
    const backend = new MemoryBackend();
    const { instance, store, clock } = await openStore({ backend });
    expect(instance.metadata("sync_db")).toBe(store.databaseId);
    expect(await store.database.name()).toBe("_sync");
    expect((await store.database.settings()).getText("type")).toBe("sync_settings");
    expect(await store.database.canAccess(instance.id, admin(0))).toBe(true);
    const again = await reopen(backend, clock);
    expect(again.databaseId).toBe(store.databaseId);
    expect(await instance.listDatabases()).toEqual([store.databaseId]);
  });
});
