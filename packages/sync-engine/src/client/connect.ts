/**
 * The handshake, client side (spec 5.3): the server must sign our challenge with the key it
 * claims, or the connection fails with `AUTH_FAILED` and nothing is stored (reliability H5).
 * A proven server is registered in the peer store with the address it answered at.
 */
import { InvalidStateError, type PublicKeyText } from "@eidetica/core";
import { PROTOCOL_VERSION, checkChallengeAnswer, newChallenge, type Address } from "@eidetica/protocol";
import { AuthFailedError, ProtocolMismatchError, SyncProtocolError } from "../errors.js";
import { send, type CallOptions, type ClientContext } from "./context.js";

/** A proven server, and the challenge it issued for our next signed request. */
export interface Connection {
  readonly address: Address;
  readonly peer: PublicKeyText;
  readonly challenge: Uint8Array;
}

/** Options of {@link connect}. */
export interface ConnectOptions extends CallOptions {
  /** The key the server must have; another key is `AUTH_FAILED`. */
  readonly expectedPeer?: PublicKeyText;
  /** Register the server in the peer store (default true). */
  readonly register?: boolean;
}

/**
 * Handshakes with the server at `address`.
 * @throws {AuthFailedError} if the server does not prove the key it claims, or not the expected one.
 * @throws {ProtocolMismatchError} if it speaks another protocol version.
 */
export async function connect(context: ClientContext, address: Address, options: ConnectOptions = {}): Promise<Connection> {
  const me = context.instance.id;
  const challenge = newChallenge(context.random);
  const response = await send(
    context,
    address,
    {
      kind: "Handshake",
      handshake: { deviceId: me, publicKey: me, displayName: context.displayName, protocolVersion: PROTOCOL_VERSION, challenge, listenAddresses: context.listenAddresses() },
    },
    options,
  );
  if (response.kind !== "Handshake") throw new SyncProtocolError(`the peer answered a handshake with ${response.kind}`);
  const h = response.handshake;
  if (h.protocolVersion !== PROTOCOL_VERSION) {
    throw new ProtocolMismatchError(`the peer speaks protocol version ${h.protocolVersion}; this one speaks ${PROTOCOL_VERSION}`);
  }
  if (h.deviceId !== h.publicKey || !checkChallengeAnswer(h.publicKey, challenge, h.challengeResponse)) {
    throw new AuthFailedError(`the peer at ${address.transportType}:${address.address} did not prove the key it claims`);
  }
  if (options.expectedPeer !== undefined && h.publicKey !== options.expectedPeer) {
    throw new AuthFailedError(`the peer at ${address.transportType}:${address.address} is ${h.publicKey}, not ${options.expectedPeer}`);
  }
  if (h.publicKey === me) throw new InvalidStateError("the address leads to this node itself");
  if (options.register !== false) await context.store.peers.register(h.publicKey, { displayName: h.displayName, addresses: [address] });
  context.events.emit("peer:connect", { peer: h.publicKey, address, role: "client" });
  return { address, peer: h.publicKey, challenge: h.newChallenge };
}
