/** The client side's encoding of a request, the same on every transport. */
import { utf8 } from "@eidetica/core";
import { encodeRequest } from "./codec-request.js";
import { TransportError } from "./errors.js";
import type { SyncRequest } from "./messages.js";

/**
 * The request's wire bytes, checked against the transport's limit before anything is sent.
 * @throws {TransportError} `protocol` if it cannot be encoded, `too_large` if it is above `maxBytes`.
 */
export function requestBytes(request: SyncRequest, maxBytes: number = Number.POSITIVE_INFINITY): Uint8Array {
  let bytes: Uint8Array;
  try {
    const text: unknown = encodeRequest(request);
    if (typeof text !== "string") throw new TypeError(`not a SyncRequest: ${String((request as { kind?: unknown }).kind)}`);
    bytes = utf8(text);
  } catch (error) {
    throw new TransportError("the request cannot be encoded", "protocol", { cause: error });
  }
  if (bytes.length > maxBytes) throw new TransportError(`a request of ${bytes.length} bytes, above the limit of ${maxBytes}`, "too_large");
  return bytes;
}
