/**
 * @eidetica/protocol: the Eidetica v0 sync messages with their exact JSON codec and limits,
 * signed requests, handshake challenges, tickets, paging, and the interfaces transports and
 * handlers implement. No engine logic and no I/O.
 *
 * @example
 * ```ts
 * import { decodeRequest, encodeRequest } from "@eidetica/protocol";
 *
 * const text = encodeRequest({ kind: "SendEntries", entries: [entry] });
 * const request = decodeRequest(text); // validated: shape, limits, entries
 * ```
 * @packageDocumentation
 */
export { formatAddress, httpAddress, irohAddress, sameAddress, type Address } from "./address.js";
export { SchemaError, TransportError, UnknownMessageError, type TransportFailure } from "./errors.js";
export {
  PROTOCOL_VERSION,
  REQUEST_KINDS,
  RESPONSE_KINDS,
  errorResponse,
  type BootstrapResponse,
  type HandshakeRequest,
  type HandshakeResponse,
  type IncrementalResponse,
  type SyncRequest,
  type SyncRequestAuth,
  type SyncResponse,
  type SyncTreeRequest,
  type TreeInfo,
} from "./messages.js";
export { decodeRequest, decodeRequestValue, encodeRequest } from "./codec-request.js";
export { decodeResponse, decodeResponseValue, encodeResponse } from "./codec-response.js";
export { MAX_ADDRESSES, MAX_TEXT } from "./codec-fields.js";
export {
  SYNC_REQUEST_DOMAIN,
  answerChallenge,
  checkChallengeAnswer,
  checkSyncRequestAuth,
  newChallenge,
  requestSigningBytes,
  signSyncRequest,
  type RequestAuthProblem,
} from "./request-auth.js";
export { formatTicket, parseTicket, type DatabaseTicket } from "./ticket.js";
export { WIRE_ERROR_CODES, parseWireError, wireError, type WireErrorCode } from "./wire-error.js";
export { entryWireBytes, fitEntries, responseWireBytes } from "./paging.js";
export {
  HANDLER_BRAND,
  TRANSPORT_BRAND,
  isSyncHandler,
  isSyncTransport,
  syncHandler,
  type RequestContext,
  type SendOptions,
  type SyncHandler,
  type SyncTransport,
} from "./transport.js";
export { ForwardingTransport } from "./forwarding.js";
export { answerRequest, errorBytes, reportInvalid, type Answer, type AnswerOptions } from "./serve.js";
export { requestBytes } from "./send.js";
