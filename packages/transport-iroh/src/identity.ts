/** {@link irohSecretKey}: an iroh identity kept in the peer store, so a node keeps its node id across restarts. */
import { fromBase64, toBase64, type Random, type SigningKey } from "@eidetica/core";
import type { PeerStore } from "@eidetica/peer-store";

/** The transport-state record the key is kept under. */
export const IROH_STATE = "iroh";

/**
 * The endpoint secret key kept in `store`'s transport state (`iroh`), made on first use: the
 * seed of `identity` (the node's device key: recommended, so the key iroh proves is the key the
 * node's handshakes claim), else fresh random bytes. The same key comes back after a restart.
 *
 * @example
 * ```ts
 * const sync = await Sync.create(instance);
 * sync.addTransport(new IrohTransport({ secretKey: await irohSecretKey(sync.store, instance.deviceKey) }));
 * ```
 */
export async function irohSecretKey(store: PeerStore, identity?: SigningKey, random?: Random): Promise<Uint8Array> {
  const kept = store.transports.get(IROH_STATE) as { readonly secret_key?: unknown } | undefined;
  if (typeof kept?.secret_key === "string") {
    let bytes: Uint8Array | undefined;
    try {
      bytes = fromBase64(kept.secret_key);
    } catch {
      bytes = undefined; // not base64: damaged, made again below
    }
    if (bytes?.length === 32) return bytes;
  }
  const fresh = identity?.seed() ?? (random === undefined ? crypto.getRandomValues(new Uint8Array(32)) : random.bytes(32));
  await store.transports.set(IROH_STATE, { secret_key: toBase64(fresh) });
  return fresh;
}
