"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.child = child;
exports.toPointer = toPointer;
exports.schema = schema;
exports.publicKeyAt = publicKeyAt;
/** Running core's validators with JSON-pointer paths, and turning their errors into SchemaErrors. */
var core_1 = require("@eidetica/core");
var errors_js_1 = require("./errors.js");
/** `/a/b` + `c` → `/a/b/c`, escaping `~` and `/` as RFC 6901 says. */
function child(pointer, key) {
    return "".concat(pointer, "/").concat(String(key).replaceAll("~", "~0").replaceAll("/", "~1"));
}
/** Core paths (`/SendEntries/0.tree.parents[2]`) as JSON pointers (`/SendEntries/0/tree/parents/2`). */
function toPointer(path) {
    var pointer = path.replace(/\[(\d+)\]/g, "/$1").replaceAll(".", "/");
    return pointer.startsWith("/") ? pointer : "/".concat(pointer);
}
/** Runs `fn`; a core `MalformedError` (shape) becomes a {@link SchemaError} with a pointer. */
function schema(pointer, fn) {
    try {
        return fn();
    }
    catch (error) {
        if (error instanceof core_1.MalformedError) {
            var at = error.path === undefined ? pointer : toPointer(error.path);
            var message = error.path === undefined ? error.message : error.message.slice(error.path.length + 2);
            throw new errors_js_1.SchemaError(message, at, { cause: error });
        }
        throw error;
    }
}
/** A public key text, checked. */
function publicKeyAt(value, pointer) {
    if (typeof value !== "string")
        throw new errors_js_1.SchemaError("expected a public key string", pointer);
    try {
        (0, core_1.parsePublicKey)(value);
    }
    catch (error) {
        if (error instanceof core_1.InvalidKeyError)
            throw new errors_js_1.SchemaError(error.message, pointer, { cause: error });
        throw error;
    }
    return value;
}
