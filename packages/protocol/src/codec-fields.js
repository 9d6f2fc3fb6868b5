"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.addressToWire = exports.addressesAt = exports.docAt = exports.permissionAt = exports.entriesAt = exports.entryAt = exports.tipsAt = exports.idAt = exports.fixedBytesAt = exports.boolAt = exports.uintAt = exports.optionalTextAt = exports.textAt = exports.objectAt = exports.MAX_TEXT = exports.MAX_ADDRESSES = void 0;
/** Field decoders shared by the request and response codecs. */
var core_1 = require("@eidetica/core");
var errors_js_1 = require("./errors.js");
var pointer_js_1 = require("./pointer.js");
/** Most listen addresses in a handshake. */
exports.MAX_ADDRESSES = 64;
/** Longest free-text string (names, messages, addresses), in UTF-16 units. */
exports.MAX_TEXT = 64 * 1024;
var objectAt = function (value, p, allowed, required) {
    if (required === void 0) { required = allowed; }
    return (0, pointer_js_1.schema)(p, function () { return (0, core_1.expectObject)(value, p, allowed, required); });
};
exports.objectAt = objectAt;
var textAt = function (value, p) {
    var text = (0, pointer_js_1.schema)(p, function () { return (0, core_1.expectString)(value, p); });
    if (text.length > exports.MAX_TEXT)
        throw new errors_js_1.SchemaError("text longer than ".concat(exports.MAX_TEXT), p);
    return text;
};
exports.textAt = textAt;
/** An `Option<String>`: missing or null is null. */
var optionalTextAt = function (value, p) { return (value === undefined || value === null ? null : (0, exports.textAt)(value, p)); };
exports.optionalTextAt = optionalTextAt;
var uintAt = function (value, p, max) { return (0, pointer_js_1.schema)(p, function () { return (0, core_1.expectUint)(value, p, max); }); };
exports.uintAt = uintAt;
var boolAt = function (value, p) { return (0, pointer_js_1.schema)(p, function () { return (0, core_1.expectBoolean)(value, p); }); };
exports.boolAt = boolAt;
/** Bytes of an exact length (challenges, nonces, signatures). */
var fixedBytesAt = function (value, p, length) {
    var bytes = (0, pointer_js_1.schema)(p, function () { return (0, core_1.expectBytes)(value, p, length, "bytes"); });
    if (bytes.length !== length)
        throw new errors_js_1.SchemaError("expected ".concat(length, " bytes, found ").concat(bytes.length), p);
    return bytes;
};
exports.fixedBytesAt = fixedBytesAt;
var idAt = function (value, p) { return (0, pointer_js_1.schema)(p, function () { return (0, core_1.parseId)((0, core_1.expectString)(value, p), p); }); };
exports.idAt = idAt;
/** A tip list (Snapshot): at most 1,024, normalized to sorted and unique. */
var tipsAt = function (value, p) {
    return (0, core_1.sortedUniqueIds)((0, pointer_js_1.schema)(p, function () { return (0, core_1.expectArray)(value, p, core_1.LIMITS.tipsPerRequest, "tipsPerRequest"); }).map(function (tip, i) { return (0, exports.idAt)(tip, (0, pointer_js_1.child)(p, i)); }));
};
exports.tipsAt = tipsAt;
var entryAt = function (value, p) { return (0, pointer_js_1.schema)(p, function () { return (0, core_1.decodeWireEntry)(value, p); }); };
exports.entryAt = entryAt;
/** At most 10,000 entries. */
var entriesAt = function (value, p) {
    return (0, pointer_js_1.schema)(p, function () { return (0, core_1.expectArray)(value, p, core_1.LIMITS.entriesPerMessage, "entriesPerMessage"); }).map(function (item, i) { return (0, exports.entryAt)(item, (0, pointer_js_1.child)(p, i)); });
};
exports.entriesAt = entriesAt;
var permissionAt = function (value, p) {
    return value === undefined || value === null ? null : (0, pointer_js_1.schema)(p, function () { return (0, core_1.permissionFromWire)(value, p); });
};
exports.permissionAt = permissionAt;
var docAt = function (value, p) {
    return value === undefined || value === null ? null : (0, pointer_js_1.schema)(p, function () { return (0, core_1.docFromJsonValue)(value); });
};
exports.docAt = docAt;
var addressesAt = function (value, p) {
    return (0, pointer_js_1.schema)(p, function () { return (0, core_1.expectArray)(value, p, exports.MAX_ADDRESSES, "addresses"); }).map(function (item, i) {
        var at = (0, pointer_js_1.child)(p, i);
        var object = (0, exports.objectAt)(item, at, ["transport_type", "address"]);
        return { transportType: (0, exports.textAt)(object.transport_type, (0, pointer_js_1.child)(at, "transport_type")), address: (0, exports.textAt)(object.address, (0, pointer_js_1.child)(at, "address")) };
    });
};
exports.addressesAt = addressesAt;
/** The wire form of an address. */
var addressToWire = function (address) { return ({ transport_type: address.transportType, address: address.address }); };
exports.addressToWire = addressToWire;
