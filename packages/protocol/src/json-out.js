"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.stringifyWithDocs = stringifyWithDocs;
var core_1 = require("@eidetica/core");
/**
 * `JSON.stringify(value)`, except that every `Doc` inside is written by `docToJson`, so that
 * big integers in list positions survive (JSON.parse of them would round).
 */
function stringifyWithDocs(value, docToJson) {
    var docs = [];
    // The replacer sees values after `toJSON`; the holder still has the Doc itself.
    var text = JSON.stringify(value, function (key, item) {
        var original = this[key];
        if (original instanceof core_1.Doc) {
            docs.push(docToJson(original));
            return "\0doc".concat(docs.length - 1, "\0");
        }
        return item;
    });
    return text.replace(/"\\u0000doc(\d+)\\u0000"/g, function (_match, index) { var _a; return (_a = docs[Number(index)]) !== null && _a !== void 0 ? _a : "null"; });
}
