/** irohSecretKey: the endpoint key kept in the peer store's transport state, made once. */
import { Instance, SigningKey, seededRandom, toBase64 } from "@eidetica/core";
import { Sync, silentLogger } from "@eidetica/sync-engine";
import { IROH_STATE, irohSecretKey } from "@eidetica/transport-iroh";
import { describe, expect, it } from "vitest";

async function store() {
  const instance = await Instance.create({ random: seededRandom(1) });
  return { instance, store: (await Sync.create(instance, { logger: silentLogger })).store };
}

describe("irohSecretKey", () => {
  it("takes the device key's seed the first time, keeps it, and returns it again whatever is offered later", async () => {
    const { instance, store: s } = await store();
    const first = await irohSecretKey(s, instance.deviceKey);
    expect(first).toEqual(instance.deviceKey.seed());
    expect(s.transports.get(IROH_STATE)).toEqual({ secret_key: toBase64(first) });
    const other = SigningKey.fromSeed(new Uint8Array(32).fill(3));
    expect(await irohSecretKey(s, other)).toEqual(first);
  });

  it("without an identity, makes fresh random bytes once", async () => {
    const { store: s } = await store();
    const made = await irohSecretKey(s, undefined, seededRandom(9));
    expect(made).toHaveLength(32);
    expect(await irohSecretKey(s)).toEqual(made);
  });

  it("a damaged record (not 32 bytes, not base64) is replaced", async () => {
    const { instance, store: s } = await store();
    await s.transports.set(IROH_STATE, { secret_key: toBase64(new Uint8Array(5)) });
    expect(await irohSecretKey(s, instance.deviceKey)).toEqual(instance.deviceKey.seed());
    await s.transports.set(IROH_STATE, { secret_key: "not base64 at all!" });
    expect(await irohSecretKey(s, instance.deviceKey)).toEqual(instance.deviceKey.seed());
  });
});
