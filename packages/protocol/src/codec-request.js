"use strict";
var __spreadArray = (this && this.__spreadArray) || function (to, from, pack) {
    if (pack || arguments.length === 2) for (var i = 0, l = from.length, ar; i < l; i++) {
        if (ar || !(i in from)) {
            if (!ar) ar = Array.prototype.slice.call(from, 0, i);
            ar[i] = from[i];
        }
    }
    return to.concat(ar || Array.prototype.slice.call(from));
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.encodeRequest = encodeRequest;
exports.decodeRequest = decodeRequest;
exports.decodeRequestValue = decodeRequestValue;
exports.variant = variant;
/**
 * The request codec: {@link encodeRequest} writes the exact serde JSON of a Rust
 * `SyncRequest`; {@link decodeRequest} checks the size, depth, whole shape and every limit
 * before anything else looks at the message.
 */
var core_1 = require("@eidetica/core");
var errors_js_1 = require("./errors.js");
var codec_fields_js_1 = require("./codec-fields.js");
var messages_js_1 = require("./messages.js");
var pointer_js_1 = require("./pointer.js");
var json_out_js_1 = require("./json-out.js");
/** The wire JSON value of a request (Docs are written by {@link encodeRequest}). */
function encodeRequest(request) {
    switch (request.kind) {
        case "Handshake": {
            var h = request.handshake;
            return JSON.stringify({
                Handshake: {
                    device_id: h.deviceId,
                    public_key: h.publicKey,
                    display_name: h.displayName,
                    protocol_version: h.protocolVersion,
                    challenge: Array.from(h.challenge),
                    listen_addresses: h.listenAddresses.map(codec_fields_js_1.addressToWire),
                },
            });
        }
        case "SyncTree": {
            var s = request.syncTree;
            return (0, json_out_js_1.stringifyWithDocs)({
                SyncTree: {
                    tree_id: s.treeId,
                    our_tips: __spreadArray([], s.ourTips, true),
                    peer_pubkey: s.peerPubkey,
                    requesting_key: s.requestingKey,
                    requesting_key_name: s.requestingKeyName,
                    requested_permission: s.requestedPermission === null ? null : (0, core_1.permissionToWire)(s.requestedPermission),
                    metadata: s.metadata,
                    auth: s.auth === null ? null : authToWire(s.auth),
                },
            }, core_1.docToJson);
        }
        case "SendEntries":
            return JSON.stringify({ SendEntries: request.entries.map(core_1.entryToWire) });
    }
}
function authToWire(auth) {
    return { key: auth.key, timestamp_ms: auth.timestampMs, nonce: Array.from(auth.nonce), signature: Array.from(auth.signature) };
}
/**
 * Decodes a request from JSON text or its UTF-8 bytes.
 * @throws {EideticaError} `MALFORMED` (not JSON), `LIMIT_EXCEEDED`, `SCHEMA` (with a JSON
 *   pointer) or `UNKNOWN_MESSAGE`.
 */
function decodeRequest(input) {
    return decodeRequestValue((0, core_1.parseJsonLimited)(input));
}
/** Decodes an already-parsed request value. */
function decodeRequestValue(value) {
    var _a = variant(value, messages_js_1.REQUEST_KINDS, "request"), kind = _a[0], body = _a[1];
    var p = "/".concat(kind);
    switch (kind) {
        case "Handshake": {
            var o = (0, codec_fields_js_1.objectAt)(body, p, ["device_id", "public_key", "display_name", "protocol_version", "challenge", "listen_addresses"], [
                "device_id",
                "public_key",
                "protocol_version",
                "challenge",
                "listen_addresses",
            ]);
            return {
                kind: kind,
                handshake: {
                    deviceId: (0, pointer_js_1.publicKeyAt)(o.device_id, (0, pointer_js_1.child)(p, "device_id")),
                    publicKey: (0, pointer_js_1.publicKeyAt)(o.public_key, (0, pointer_js_1.child)(p, "public_key")),
                    displayName: (0, codec_fields_js_1.optionalTextAt)(o.display_name, (0, pointer_js_1.child)(p, "display_name")),
                    protocolVersion: (0, codec_fields_js_1.uintAt)(o.protocol_version, (0, pointer_js_1.child)(p, "protocol_version"), 0xffffffff),
                    challenge: (0, codec_fields_js_1.fixedBytesAt)(o.challenge, (0, pointer_js_1.child)(p, "challenge"), 32),
                    listenAddresses: (0, codec_fields_js_1.addressesAt)(o.listen_addresses, (0, pointer_js_1.child)(p, "listen_addresses")),
                },
            };
        }
        case "SyncTree":
            return { kind: kind, syncTree: syncTreeAt(body, p) };
        case "SendEntries":
            return { kind: kind, entries: (0, codec_fields_js_1.entriesAt)(body, p) };
    }
}
var SYNC_TREE_FIELDS = [
    "tree_id",
    "our_tips",
    "peer_pubkey",
    "requesting_key",
    "requesting_key_name",
    "requested_permission",
    "metadata",
    "auth",
];
function syncTreeAt(body, p) {
    var o = (0, codec_fields_js_1.objectAt)(body, p, SYNC_TREE_FIELDS, ["tree_id", "our_tips"]);
    var optionalKey = function (value, at) { return (value === undefined || value === null ? null : (0, pointer_js_1.publicKeyAt)(value, at)); };
    return {
        treeId: (0, codec_fields_js_1.idAt)(o.tree_id, (0, pointer_js_1.child)(p, "tree_id")),
        ourTips: (0, codec_fields_js_1.tipsAt)(o.our_tips, (0, pointer_js_1.child)(p, "our_tips")),
        peerPubkey: optionalKey(o.peer_pubkey, (0, pointer_js_1.child)(p, "peer_pubkey")),
        requestingKey: optionalKey(o.requesting_key, (0, pointer_js_1.child)(p, "requesting_key")),
        requestingKeyName: (0, codec_fields_js_1.optionalTextAt)(o.requesting_key_name, (0, pointer_js_1.child)(p, "requesting_key_name")),
        requestedPermission: (0, codec_fields_js_1.permissionAt)(o.requested_permission, (0, pointer_js_1.child)(p, "requested_permission")),
        metadata: (0, codec_fields_js_1.docAt)(o.metadata, (0, pointer_js_1.child)(p, "metadata")),
        auth: o.auth === undefined || o.auth === null ? null : authAt(o.auth, (0, pointer_js_1.child)(p, "auth")),
    };
}
function authAt(value, p) {
    var o = (0, codec_fields_js_1.objectAt)(value, p, ["key", "timestamp_ms", "nonce", "signature"]);
    return {
        key: (0, pointer_js_1.publicKeyAt)(o.key, (0, pointer_js_1.child)(p, "key")),
        timestampMs: (0, codec_fields_js_1.uintAt)(o.timestamp_ms, (0, pointer_js_1.child)(p, "timestamp_ms")),
        nonce: (0, codec_fields_js_1.fixedBytesAt)(o.nonce, (0, pointer_js_1.child)(p, "nonce"), 32),
        signature: (0, codec_fields_js_1.fixedBytesAt)(o.signature, (0, pointer_js_1.child)(p, "signature"), 64),
    };
}
/**
 * Splits an externally tagged enum value into its variant name and body. Unit variants are
 * bare strings (`"Ack"`), others single-key objects.
 */
function variant(value, kinds, what) {
    if (typeof value === "string") {
        if (kinds.includes(value))
            return [value, undefined];
        throw new errors_js_1.UnknownMessageError("unknown ".concat(what, " ").concat(JSON.stringify(value.slice(0, 40))));
    }
    if (!(0, core_1.isJsonObject)(value))
        throw new errors_js_1.SchemaError("a ".concat(what, " must be an object with one variant"), "");
    var keys = Object.keys(value);
    if (keys.length !== 1)
        throw new errors_js_1.SchemaError("a ".concat(what, " must have exactly one variant, found ").concat(keys.length), "");
    var kind = keys[0];
    if (!kinds.includes(kind))
        throw new errors_js_1.UnknownMessageError("unknown ".concat(what, " ").concat(JSON.stringify(kind.slice(0, 40))));
    return [kind, value[kind]];
}
