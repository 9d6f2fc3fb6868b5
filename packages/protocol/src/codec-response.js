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
exports.encodeResponse = encodeResponse;
exports.decodeResponse = decodeResponse;
exports.decodeResponseValue = decodeResponseValue;
/**
 * The response codec: {@link encodeResponse} writes the exact serde JSON of a Rust
 * `SyncResponse`; {@link decodeResponse} validates it as strictly as a request.
 */
var core_1 = require("@eidetica/core");
var codec_fields_js_1 = require("./codec-fields.js");
var codec_request_js_1 = require("./codec-request.js");
var messages_js_1 = require("./messages.js");
var pointer_js_1 = require("./pointer.js");
/** The exact serde JSON text of a response. */
function encodeResponse(response) {
    return JSON.stringify(responseToWire(response));
}
function responseToWire(response) {
    switch (response.kind) {
        case "Handshake": {
            var h = response.handshake;
            return {
                Handshake: {
                    device_id: h.deviceId,
                    public_key: h.publicKey,
                    display_name: h.displayName,
                    protocol_version: h.protocolVersion,
                    challenge_response: Array.from(h.challengeResponse),
                    new_challenge: Array.from(h.newChallenge),
                    available_trees: h.availableTrees.map(function (t) { return ({
                        tree_id: t.treeId,
                        name: t.name,
                        entry_count: t.entryCount,
                        last_modified: t.lastModified,
                    }); }),
                },
            };
        }
        case "Bootstrap": {
            var b = response.bootstrap;
            return {
                Bootstrap: {
                    tree_id: b.treeId,
                    root_entry: (0, core_1.entryToWire)(b.rootEntry),
                    all_entries: b.allEntries.map(core_1.entryToWire),
                    key_approved: b.keyApproved,
                    granted_permission: b.grantedPermission === null ? null : (0, core_1.permissionToWire)(b.grantedPermission),
                },
            };
        }
        case "Incremental": {
            var i = response.incremental;
            return { Incremental: { tree_id: i.treeId, their_tips: __spreadArray([], i.theirTips, true), missing_entries: i.missingEntries.map(core_1.entryToWire) } };
        }
        case "BootstrapPending":
            return { BootstrapPending: { request_id: response.requestId, message: response.message } };
        case "Ack":
            return "Ack";
        case "Count":
            return { Count: response.count };
        case "Error":
            return { Error: response.message };
    }
}
/**
 * Decodes a response from JSON text or its UTF-8 bytes.
 * @throws {EideticaError} `MALFORMED`, `LIMIT_EXCEEDED`, `SCHEMA` or `UNKNOWN_MESSAGE`.
 */
function decodeResponse(input) {
    return decodeResponseValue((0, core_1.parseJsonLimited)(input));
}
/** Decodes an already-parsed response value. */
function decodeResponseValue(value) {
    var _a = (0, codec_request_js_1.variant)(value, messages_js_1.RESPONSE_KINDS, "response"), kind = _a[0], body = _a[1];
    var p = "/".concat(kind);
    switch (kind) {
        case "Handshake": {
            var fields = ["device_id", "public_key", "display_name", "protocol_version", "challenge_response", "new_challenge", "available_trees"];
            var o = (0, codec_fields_js_1.objectAt)(body, p, fields, fields.filter(function (f) { return f !== "display_name"; }));
            return {
                kind: kind,
                handshake: {
                    deviceId: (0, pointer_js_1.publicKeyAt)(o.device_id, (0, pointer_js_1.child)(p, "device_id")),
                    publicKey: (0, pointer_js_1.publicKeyAt)(o.public_key, (0, pointer_js_1.child)(p, "public_key")),
                    displayName: (0, codec_fields_js_1.optionalTextAt)(o.display_name, (0, pointer_js_1.child)(p, "display_name")),
                    protocolVersion: (0, codec_fields_js_1.uintAt)(o.protocol_version, (0, pointer_js_1.child)(p, "protocol_version"), 0xffffffff),
                    challengeResponse: (0, codec_fields_js_1.fixedBytesAt)(o.challenge_response, (0, pointer_js_1.child)(p, "challenge_response"), 64),
                    newChallenge: (0, codec_fields_js_1.fixedBytesAt)(o.new_challenge, (0, pointer_js_1.child)(p, "new_challenge"), 32),
                    availableTrees: treesAt(o.available_trees, (0, pointer_js_1.child)(p, "available_trees")),
                },
            };
        }
        case "Bootstrap": {
            var fields = ["tree_id", "root_entry", "all_entries", "key_approved", "granted_permission"];
            var o = (0, codec_fields_js_1.objectAt)(body, p, fields, fields.filter(function (f) { return f !== "granted_permission"; }));
            return {
                kind: kind,
                bootstrap: {
                    treeId: (0, codec_fields_js_1.idAt)(o.tree_id, (0, pointer_js_1.child)(p, "tree_id")),
                    rootEntry: (0, codec_fields_js_1.entryAt)(o.root_entry, (0, pointer_js_1.child)(p, "root_entry")),
                    allEntries: (0, codec_fields_js_1.entriesAt)(o.all_entries, (0, pointer_js_1.child)(p, "all_entries")),
                    keyApproved: (0, codec_fields_js_1.boolAt)(o.key_approved, (0, pointer_js_1.child)(p, "key_approved")),
                    grantedPermission: (0, codec_fields_js_1.permissionAt)(o.granted_permission, (0, pointer_js_1.child)(p, "granted_permission")),
                },
            };
        }
        case "Incremental": {
            var o = (0, codec_fields_js_1.objectAt)(body, p, ["tree_id", "their_tips", "missing_entries"]);
            return {
                kind: kind,
                incremental: {
                    treeId: (0, codec_fields_js_1.idAt)(o.tree_id, (0, pointer_js_1.child)(p, "tree_id")),
                    theirTips: (0, codec_fields_js_1.tipsAt)(o.their_tips, (0, pointer_js_1.child)(p, "their_tips")),
                    missingEntries: (0, codec_fields_js_1.entriesAt)(o.missing_entries, (0, pointer_js_1.child)(p, "missing_entries")),
                },
            };
        }
        case "BootstrapPending": {
            var o = (0, codec_fields_js_1.objectAt)(body, p, ["request_id", "message"]);
            return { kind: kind, requestId: (0, codec_fields_js_1.textAt)(o.request_id, (0, pointer_js_1.child)(p, "request_id")), message: (0, codec_fields_js_1.textAt)(o.message, (0, pointer_js_1.child)(p, "message")) };
        }
        case "Ack":
            return { kind: kind };
        case "Count":
            return { kind: kind, count: (0, codec_fields_js_1.uintAt)(body, p) };
        case "Error":
            return { kind: kind, message: (0, codec_fields_js_1.textAt)(body, p) };
    }
}
function treesAt(value, p) {
    return (0, pointer_js_1.schema)(p, function () { return (0, core_1.expectArray)(value, p, core_1.LIMITS.entriesPerMessage, "trees"); }).map(function (item, i) {
        var at = (0, pointer_js_1.child)(p, i);
        var fields = ["tree_id", "name", "entry_count", "last_modified"];
        var o = (0, codec_fields_js_1.objectAt)(item, at, fields, fields.filter(function (f) { return f !== "name"; }));
        return {
            treeId: (0, codec_fields_js_1.idAt)(o.tree_id, (0, pointer_js_1.child)(at, "tree_id")),
            name: (0, codec_fields_js_1.optionalTextAt)(o.name, (0, pointer_js_1.child)(at, "name")),
            entryCount: (0, codec_fields_js_1.uintAt)(o.entry_count, (0, pointer_js_1.child)(at, "entry_count")),
            lastModified: (0, codec_fields_js_1.uintAt)(o.last_modified, (0, pointer_js_1.child)(at, "last_modified")),
        };
    });
}
