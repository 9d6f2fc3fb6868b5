/** Helpers of the peer-store tests: deterministic instances and keys. */
import { Instance, MemoryBackend, SigningKey, idFromDagCbor, manualClock, seededRandom, utf8, type Backend, type ID, type ManualClock, type PublicKeyText } from "@eidetica/core";
import { PeerStore, type PeerStoreOptions } from "@eidetica/peer-store";

/** A deterministic public key from a small number. */
export function keyOf(n: number): PublicKeyText {
  return SigningKey.fromSeed(new Uint8Array(32).fill(n)).publicKey;
}

/** A database ID that names nothing (for relationships and settings). */
export function dbOf(name: string): ID {
  return idFromDagCbor(utf8(name));
}

/** An instance on `backend` with a manual clock, and its peer store. */
export async function openStore(
  options: { readonly backend?: Backend; readonly seed?: number; readonly clock?: ManualClock } & PeerStoreOptions = {},
): Promise<{ instance: Instance; store: PeerStore; clock: ManualClock; backend: Backend }> {
  const backend = options.backend ?? new MemoryBackend();
  const clock = options.clock ?? manualClock();
  const instance = await Instance.openOrCreate({ backend, clock, random: seededRandom(options.seed ?? 1) });
  const store = await PeerStore.open(instance, options);
  return { instance, store, clock, backend };
}

/** The same backend's instance and store, opened again (a restart). */
export async function reopen(backend: Backend, clock: ManualClock, options: PeerStoreOptions = {}): Promise<PeerStore> {
  const instance = await Instance.open({ backend, clock, random: seededRandom(99) });
  return PeerStore.open(instance, options);
}

export const http = (address: string) => ({ transportType: "http", address });
export const iroh = (address: string) => ({ transportType: "iroh", address });
