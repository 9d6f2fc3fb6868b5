/**
 * A stub peer on a `SimNetwork`: it answers a handshake (signing the challenge with its own
 * key), a pull (with the tips of what it holds, and no entries) and a push (`Ack`), and keeps
 * only the IDs and parents of what it was sent (or only its tips). Cheap enough for a hundred in one process
 * (the heap bench) or a thousand seeds (the retry-timing property); what it holds is honest,
 * so the pusher's exact diff against its tips is what a real peer would get.
 */
import { SigningKey, seededRandom, type ID, type PublicKeyText } from "@eidetica/core";
import { PROTOCOL_VERSION, answerChallenge, syncHandler, type Address, type SyncResponse } from "@eidetica/protocol";
import { MockTransport, type SimNetwork } from "@eidetica/transport-mock";

/** A stub peer. */
export interface StubPeer {
  readonly key: PublicKeyText;
  readonly address: Address;
  readonly transport: MockTransport;
  /** IDs of the entries it was sent. */
  readonly received: ReadonlySet<ID>;
  /** Serves (again) after {@link StubPeer.stop}. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Options of {@link stubPeer}. */
export interface StubPeerOptions {
  /** The entries it holds from the start (a database's root, say), with no parents known. */
  readonly holds?: readonly ID[];
  /** Called for each push, with its entry IDs. */
  readonly onPush?: (ids: readonly ID[]) => void;
  /** Starts serving at once. Default true. */
  readonly serving?: boolean;
  /**
   * Keeps the IDs it was sent (`received`). Default true; false keeps only its tips, so its
   * memory stays constant however much it is sent (the heap bench).
   */
  readonly remember?: boolean;
}

/** A stub peer named `stub-<index>`, its key from `index`. */
export async function stubPeer(network: SimNetwork, index: number, options: StubPeerOptions = {}): Promise<StubPeer> {
  const seed = new Uint8Array(32).fill(7);
  new DataView(seed.buffer).setUint32(0, index + 1);
  const key = SigningKey.fromSeed(seed);
  const transport = new MockTransport(network, { name: `stub-${index}`, peerKey: key.publicKey });
  const random = seededRandom(1_000 + index);
  const remember = options.remember ?? true;
  const received = new Set<ID>();
  // Tips of what it holds: an entry stops being a tip when a child arrives.
  const tips = new Set<ID>(options.holds ?? []);
  const parentsSeen = new Set<ID>();
  const handler = syncHandler((request): SyncResponse => {
    switch (request.kind) {
      case "Handshake": {
        const fields = { deviceId: key.publicKey, publicKey: key.publicKey, displayName: null, protocolVersion: PROTOCOL_VERSION, availableTrees: [] };
        return { kind: "Handshake", handshake: { ...fields, challengeResponse: answerChallenge(key, request.handshake.challenge), newChallenge: random.bytes(32) } };
      }
      case "SyncTree":
        return { kind: "Incremental", incremental: { treeId: request.syncTree.treeId, theirTips: [...tips].sort(), missingEntries: [] } };
      case "SendEntries":
        for (const entry of request.entries) {
          if (remember) received.add(entry.id);
          for (const parent of entry.parents) {
            if (remember) parentsSeen.add(parent);
            tips.delete(parent);
          }
          if (!parentsSeen.has(entry.id)) tips.add(entry.id);
        }
        options.onPush?.(request.entries.map((entry) => entry.id));
        return { kind: "Ack" };
    }
  });
  const stub: StubPeer = {
    key: key.publicKey,
    address: transport.address,
    transport,
    received,
    start: () => transport.startServer(handler),
    stop: () => transport.stopServer(),
  };
  if (options.serving ?? true) await stub.start();
  return stub;
}
