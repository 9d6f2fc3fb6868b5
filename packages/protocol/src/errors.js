"use strict";
var __extends = (this && this.__extends) || (function () {
    var extendStatics = function (d, b) {
        extendStatics = Object.setPrototypeOf ||
            ({ __proto__: [] } instanceof Array && function (d, b) { d.__proto__ = b; }) ||
            function (d, b) { for (var p in b) if (Object.prototype.hasOwnProperty.call(b, p)) d[p] = b[p]; };
        return extendStatics(d, b);
    };
    return function (d, b) {
        if (typeof b !== "function" && b !== null)
            throw new TypeError("Class extends value " + String(b) + " is not a constructor or null");
        extendStatics(d, b);
        function __() { this.constructor = d; }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.TransportError = exports.UnknownMessageError = exports.SchemaError = void 0;
/** Errors of the sync protocol and of transports. */
var core_1 = require("@eidetica/core");
/** A message has the wrong shape; {@link SchemaError.pointer} is a JSON pointer to the field. */
var SchemaError = /** @class */ (function (_super) {
    __extends(SchemaError, _super);
    function SchemaError(message, 
    /** JSON pointer (RFC 6901) to the offending field, such as `/SyncTree/our_tips/3`. */
    pointer, options) {
        var _this = _super.call(this, "".concat(pointer || "/", ": ").concat(message), options) || this;
        _this.pointer = pointer;
        _this.code = "SCHEMA";
        return _this;
    }
    return SchemaError;
}(core_1.EideticaError));
exports.SchemaError = SchemaError;
/** A message names a variant this protocol version does not know. */
var UnknownMessageError = /** @class */ (function (_super) {
    __extends(UnknownMessageError, _super);
    function UnknownMessageError() {
        var _this = _super !== null && _super.apply(this, arguments) || this;
        _this.code = "UNKNOWN_MESSAGE";
        return _this;
    }
    return UnknownMessageError;
}(core_1.EideticaError));
exports.UnknownMessageError = UnknownMessageError;
/** A transport could not deliver a request or its response. */
var TransportError = /** @class */ (function (_super) {
    __extends(TransportError, _super);
    function TransportError(message, 
    /** What went wrong, for retry decisions. */
    failure, options) {
        var _this = _super.call(this, message, options) || this;
        _this.failure = failure;
        _this.code = "TRANSPORT";
        return _this;
    }
    return TransportError;
}(core_1.EideticaError));
exports.TransportError = TransportError;
