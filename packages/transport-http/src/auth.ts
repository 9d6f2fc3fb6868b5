/**
 * Signed HTTP requests: how a client proves its key to the server (the handler's
 * `context.peerKey`), which Eidetica v0's HTTP transport cannot do. Four headers carry the
 * proof; the signature covers a domain tag, the key, the time, a nonce, the `Host` the client
 * addressed (so a request cannot be replayed to another server) and the body's SHA-256.
 * A request without the headers is served unproven (an Eidetica v0 client); one with a bad
 * proof is refused with 401.
 */
import { createHash } from "node:crypto";
import { fromBase64, toBase64, utf8, verifySignature, type Clock, type PublicKeyText, type Random, type SigningKey } from "@eidetica/core";
import { RequestAuthError } from "./errors.js";

/** The request headers of a proof. */
export const AUTH_HEADERS = {
  key: "x-eidetica-key",
  time: "x-eidetica-time",
  nonce: "x-eidetica-nonce",
  signature: "x-eidetica-signature",
} as const;

const DOMAIN = "eidetica-http-v0";
/** How far a request's time may be from the server's clock. */
export const AUTH_WINDOW_MS = 60_000;
/** Nonces remembered at most (each for the window on both sides of its time). */
export const MAX_REMEMBERED_NONCES = 100_000;

function signedBytes(key: string, time: string, nonce: string, host: string, body: Uint8Array): Uint8Array {
  const digest = createHash("sha256").update(body).digest("hex");
  return utf8(`${DOMAIN}\n${key}\n${time}\n${nonce}\n${host}\n${digest}`);
}

/** The proof headers for a request with `body` to `host` (`host:port`), signed by `key`. */
export function signRequest(key: SigningKey, host: string, body: Uint8Array, clock: Clock, random: Random): Record<string, string> {
  const time = String(clock.nowMillis());
  const nonce = toBase64(random.bytes(16));
  const signature = key.sign(signedBytes(key.publicKey, time, nonce, host, body));
  return { [AUTH_HEADERS.key]: key.publicKey, [AUTH_HEADERS.time]: time, [AUTH_HEADERS.nonce]: nonce, [AUTH_HEADERS.signature]: toBase64(signature) };
}

/** Checks request proofs: signature, freshness (±60 s) and single use of each nonce. */
export class RequestVerifier {
  readonly #clock: Clock;
  readonly #max: number;
  /** Nonces seen, with the time they may be forgotten, oldest first. */
  readonly #nonces = new Map<string, number>();

  /** `maxNonces`: how many recent proofs are remembered at most; past it requests are refused until some expire. */
  constructor(clock: Clock, options: { readonly maxNonces?: number } = {}) {
    this.#clock = clock;
    this.#max = options.maxNonces ?? MAX_REMEMBERED_NONCES;
  }

  /**
   * The proven key, or undefined when the request carries no proof at all.
   * @throws {RequestAuthError} if a proof is present but incomplete, stale, replayed or wrong.
   */
  verify(header: (name: string) => string | undefined, host: string, body: Uint8Array): PublicKeyText | undefined {
    const key = header(AUTH_HEADERS.key);
    const time = header(AUTH_HEADERS.time);
    const nonce = header(AUTH_HEADERS.nonce);
    const signature = header(AUTH_HEADERS.signature);
    if (key === undefined && time === undefined && nonce === undefined && signature === undefined) return undefined;
    if (key === undefined || time === undefined || nonce === undefined || signature === undefined) throw new RequestAuthError("an incomplete request proof");
    const at = Number(time);
    const now = this.#clock.nowMillis();
    if (!/^\d{1,16}$/.test(time) || Math.abs(now - at) > AUTH_WINDOW_MS) throw new RequestAuthError("a request proof outside the time window");
    let sig: Uint8Array;
    let nonceBytes: Uint8Array;
    try {
      sig = fromBase64(signature);
      nonceBytes = fromBase64(nonce);
    } catch {
      throw new RequestAuthError("a request proof that is not base64");
    }
    if (sig.length !== 64 || nonceBytes.length !== 16) throw new RequestAuthError("a request proof of the wrong size");
    let valid = false;
    try {
      valid = verifySignature(key as PublicKeyText, signedBytes(key, time, nonce, host, body), sig);
    } catch {
      valid = false;
    }
    if (!valid) throw new RequestAuthError("a request proof whose signature does not verify");
    this.#forget(now);
    const seen = `${key} ${nonce}`;
    if (this.#nonces.has(seen)) throw new RequestAuthError("a replayed request proof");
    if (this.#nonces.size >= this.#max) throw new RequestAuthError("too many recent requests to remember; retry");
    this.#nonces.set(seen, at + 2 * AUTH_WINDOW_MS);
    return key as PublicKeyText;
  }

  /** Nonces remembered now. */
  get remembered(): number {
    return this.#nonces.size;
  }

  #forget(now: number): void {
    for (const [nonce, until] of this.#nonces) {
      if (until > now) break;
      this.#nonces.delete(nonce);
    }
  }
}
