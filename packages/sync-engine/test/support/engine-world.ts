/**
 * Worlds for engine tests: nodes whose `Sync` timers are the network's own (virtual time), so
 * retries and anti-entropy run in order with the messages and take no real time; each node
 * with in-memory metrics; a database shared by all of them.
 */
import { Instance, MemoryBackend, manualClock, seededRandom, write, type Backend, type Clock, type Database, type ID, type ManualClock } from "@eidetica/core";
import type { Address } from "@eidetica/protocol";
import { Sync, memoryMetrics, silentLogger, type EngineOptions, type MemoryMetrics, type SyncEventMap, type SyncEventName } from "@eidetica/sync-engine";
import { MockTransport, SimNetwork, type SimEvent } from "@eidetica/transport-mock";

/** One node. */
export interface EngineNode {
  readonly name: string;
  readonly instance: Instance;
  readonly sync: Sync;
  readonly transport: MockTransport;
  readonly address: Address;
  readonly metrics: MemoryMetrics;
  readonly backend: Backend;
  /** Every event this node emitted, with the virtual time. */
  readonly events: { readonly at: number; readonly name: SyncEventName; readonly event: unknown }[];
}

/** A network in virtual time (running by itself), its clock and its trace. */
export interface EngineWorld {
  readonly network: SimNetwork;
  readonly clock: ManualClock;
  readonly trace: SimEvent[];
  /** `clock`: the node's wall clock (default the network's); its timers stay on network time. */
  node(name: string, options?: { readonly engine?: EngineOptions; readonly backend?: Backend; readonly instance?: Instance; readonly clock?: Clock }): Promise<EngineNode>;
}

const EVENTS: readonly SyncEventName[] = ["peer:connect", "peer:disconnect", "sync:progress", "sync:complete", "sync:error", "entry:received", "entry:rejected"];

/** A world whose randomness derives from `seed`. */
export function engineWorld(seed = 1): EngineWorld {
  const clock = manualClock(1_704_067_200_000);
  const trace: SimEvent[] = [];
  const network = new SimNetwork({ seed, time: { mode: "virtual", clock, autoRun: true }, trace: (event) => trace.push(event) });
  let made = 0;
  return {
    network,
    clock,
    trace,
    async node(name, options = {}) {
      made++;
      const backend = options.backend ?? new MemoryBackend();
      const wall = options.clock ?? clock;
      const instance = options.instance ?? (await Instance.create({ backend, clock: wall, random: seededRandom(seed * 1_000 + made) }));
      const transport = new MockTransport(network, { name, peerKey: instance.id, onHandlerError: () => undefined });
      const metrics = memoryMetrics();
      const sync = await Sync.create(instance, {
        transports: [transport],
        clock: wall,
        random: seededRandom(seed * 7_919 + made),
        timers: network.timers,
        logger: silentLogger,
        metrics,
        ...(options.engine === undefined ? {} : { engine: options.engine }),
      });
      await sync.startServers();
      const events: EngineNode["events"][number][] = [];
      for (const name of EVENTS) sync.events.on(name, (event) => events.push({ at: clock.nowMillis(), name, event }));
      return { name, instance, sync, transport, address: transport.address, metrics, backend: instance.backend, events };
    },
  };
}

/**
 * A database created on `first`, writable by every node's device key, fetched by the others
 * (so each relates to `first`, and `first` to each), sync on commit everywhere.
 */
export async function shared(first: EngineNode, others: readonly EngineNode[], settings: { readonly intervalSeconds?: number | null } = {}): Promise<Database> {
  const db = await first.instance.createDatabase({ name: "shared" });
  await db.withTransaction(async (txn) => {
    const store = await txn.settings();
    for (const node of others) store.setAuthKey(node.instance.id, { permission: write(10), status: "Active" });
  });
  await first.sync.enableSync(db.id, { syncOnCommit: true, intervalSeconds: settings.intervalSeconds ?? null });
  for (const node of others) {
    await node.sync.bootstrap(first.sync.createTicket(db.id), { settings: { syncOnCommit: true, intervalSeconds: settings.intervalSeconds ?? null } });
  }
  return db;
}

/** Relates `a` and `b` both ways for `db` (each knows the other's address). */
export async function relate(a: EngineNode, b: EngineNode, db: ID): Promise<void> {
  await a.sync.addPeer(b.instance.id, { addresses: [b.address], databases: [db] });
  await b.sync.addPeer(a.instance.id, { addresses: [a.address], databases: [db] });
}

/** Resolves with the next `name` event of `node` that `match` accepts. */
export function nextEvent<E extends SyncEventName>(node: EngineNode, name: E, match: (event: SyncEventMap[E]) => boolean = () => true): Promise<SyncEventMap[E]> {
  return new Promise((resolve) => {
    const off = node.sync.events.on(name, (event) => {
      if (!match(event)) return;
      off();
      resolve(event);
    });
  });
}

/** Resolves when `node` holds entry `id` (at once if it does). */
export async function holds(node: EngineNode, id: ID): Promise<void> {
  if (await node.backend.hasEntry(id)) return;
  await new Promise<void>((resolve) => {
    const off = node.instance.onWrite((event) => {
      if (!event.ids.includes(id)) return;
      off();
      resolve();
    });
  });
}

/** Commits one value to the DocStore `notes` of `db` as opened on `node`. */
export async function commit(node: EngineNode, db: ID, key: string, value: string | number): Promise<ID> {
  const handle = await node.instance.openDatabase(db);
  return handle.withTransaction(async (txn) => (await txn.docStore("notes")).set(key, value));
}

/** The SendEntries requests sent from `from` to `to` in the trace. */
export function pushesBetween(world: EngineWorld, from: EngineNode, to: EngineNode): number {
  return world.trace.filter((e) => e.type === "send" && e.message.kind === "SendEntries" && e.message.from === from.name && e.message.to === to.name).length;
}

export { silentLogger };
