/**
 * Test worlds: instances with their `Sync`, on one `SimNetwork` in virtual time (it runs by
 * itself), sharing one manual clock; deterministic keys and randomness from a seed.
 */
import { Instance, MemoryBackend, SigningKey, manualClock, seededRandom, type Backend, type Clock, type ManualClock } from "@eidetica/core";
import type { Address } from "@eidetica/protocol";
import { silentLogger, type Logger, type SyncCreateOptions, Sync, type Timers } from "@eidetica/sync-engine";
import { MockTransport, SimNetwork, type SimNetworkOptions } from "@eidetica/transport-mock";

/**
 * Timers that record every delay asked for and fire on the next turn of the event loop; their
 * time is `clock` (a world's manual clock) or else Node's monotonic clock.
 */
export function recordingTimers(clock?: Clock): Timers & { readonly delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    now: () => clock?.nowMillis() ?? performance.now(),
    set(callback, ms) {
      delays.push(ms);
      return setImmediate(callback);
    },
    clear(handle) {
      clearImmediate(handle as ReturnType<typeof setImmediate>);
    },
  };
}

/** A logger that keeps what it was told. */
export function memoryLogger(): Logger & { readonly lines: { level: string; message: string; fields: unknown }[] } {
  const lines: { level: string; message: string; fields: unknown }[] = [];
  const at = (level: string) => (message: string, fields?: unknown) => lines.push({ level, message, fields });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** One node of a world. */
export interface Node {
  readonly name: string;
  readonly instance: Instance;
  readonly sync: Sync;
  readonly transport: MockTransport;
  readonly address: Address;
  readonly backend: Backend;
  readonly timers: ReturnType<typeof recordingTimers>;
  readonly logger: ReturnType<typeof memoryLogger>;
}

/** Options of {@link World.node}. */
export interface NodeOptions extends Omit<SyncCreateOptions, "transports" | "clock" | "random" | "timers" | "logger"> {
  readonly backend?: Backend;
  /** Serve the handler (default true). */
  readonly serve?: boolean;
  /** The key the transport proves for this node (default: its device key; `null` for none). */
  readonly peerKey?: string | null;
}

/** A network, a shared clock, and a way to add nodes. */
export interface World {
  readonly network: SimNetwork;
  readonly clock: ManualClock;
  node(name: string, options?: NodeOptions): Promise<Node>;
}

/** A world whose randomness derives from `seed`. */
export function world(seed = 1, network: SimNetworkOptions = {}): World {
  const clock = manualClock();
  const net = new SimNetwork({ seed, ...network, time: { mode: "virtual", clock, autoRun: true } });
  let made = 0;
  return {
    network: net,
    clock,
    async node(name, options = {}) {
      made++;
      const backend = options.backend ?? new MemoryBackend();
      const instance = await Instance.create({ backend, clock, random: seededRandom(seed * 1_000 + made) });
      const peerKey = options.peerKey === undefined ? instance.id : options.peerKey;
      const transport = new MockTransport(net, { name, ...(peerKey === null ? {} : { peerKey: peerKey as never }), onHandlerError: () => undefined });
      const timers = recordingTimers(clock);
      const logger = memoryLogger();
      const sync = await Sync.create(instance, { ...options, transports: [transport], clock, timers, logger });
      if (options.serve !== false) await sync.startServers();
      return { name, instance, sync, transport, address: transport.address, backend, timers, logger };
    },
  };
}

/** A deterministic signing key from a small number. */
export function keyFromSeed(n: number): SigningKey {
  return SigningKey.fromSeed(new Uint8Array(32).fill(n));
}

export { silentLogger };
