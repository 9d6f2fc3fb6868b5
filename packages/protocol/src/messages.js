"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RESPONSE_KINDS = exports.REQUEST_KINDS = exports.PROTOCOL_VERSION = void 0;
exports.errorResponse = errorResponse;
/** The protocol version this package speaks. */
exports.PROTOCOL_VERSION = 0;
/** The request variant names. */
exports.REQUEST_KINDS = ["Handshake", "SyncTree", "SendEntries"];
/** The response variant names. */
exports.RESPONSE_KINDS = ["Handshake", "Bootstrap", "Incremental", "BootstrapPending", "Ack", "Count", "Error"];
/** `{"Error": message}`. */
function errorResponse(message) {
    return { kind: "Error", message: message };
}
