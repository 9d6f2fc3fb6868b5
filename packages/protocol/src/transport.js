"use strict";
var __awaiter = (this && this.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};
var __generator = (this && this.__generator) || function (thisArg, body) {
    var _ = { label: 0, sent: function() { if (t[0] & 1) throw t[1]; return t[1]; }, trys: [], ops: [] }, f, y, t, g = Object.create((typeof Iterator === "function" ? Iterator : Object).prototype);
    return g.next = verb(0), g["throw"] = verb(1), g["return"] = verb(2), typeof Symbol === "function" && (g[Symbol.iterator] = function() { return this; }), g;
    function verb(n) { return function (v) { return step([n, v]); }; }
    function step(op) {
        if (f) throw new TypeError("Generator is already executing.");
        while (g && (g = 0, op[0] && (_ = 0)), _) try {
            if (f = 1, y && (t = op[0] & 2 ? y["return"] : op[0] ? y["throw"] || ((t = y["return"]) && t.call(y), 0) : y.next) && !(t = t.call(y, op[1])).done) return t;
            if (y = 0, t) op = [op[0] & 2, t.value];
            switch (op[0]) {
                case 0: case 1: t = op; break;
                case 4: _.label++; return { value: op[1], done: false };
                case 5: _.label++; y = op[1]; op = [0]; continue;
                case 7: op = _.ops.pop(); _.trys.pop(); continue;
                default:
                    if (!(t = _.trys, t = t.length > 0 && t[t.length - 1]) && (op[0] === 6 || op[0] === 2)) { _ = 0; continue; }
                    if (op[0] === 3 && (!t || (op[1] > t[0] && op[1] < t[3]))) { _.label = op[1]; break; }
                    if (op[0] === 6 && _.label < t[1]) { _.label = t[1]; t = op; break; }
                    if (t && _.label < t[2]) { _.label = t[2]; _.ops.push(op); break; }
                    if (t[2]) _.ops.pop();
                    _.trys.pop(); continue;
            }
            op = body.call(thisArg, _);
        } catch (e) { op = [6, e]; y = 0; } finally { f = t = 0; }
        if (op[0] & 5) throw op[1]; return { value: op[0] ? op[1] : void 0, done: true };
    }
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.HANDLER_BRAND = exports.TRANSPORT_BRAND = void 0;
exports.isSyncTransport = isSyncTransport;
exports.isSyncHandler = isSyncHandler;
exports.syncHandler = syncHandler;
/**
 * The interfaces that wire Eidetica together: a {@link SyncTransport} carries requests to a
 * peer's {@link SyncHandler}. Transports know nothing of the engine, only these types.
 */
var core_1 = require("@eidetica/core");
/** Brand of every {@link SyncTransport}. */
exports.TRANSPORT_BRAND = Symbol.for("eidetica.transport");
/** Brand of every {@link SyncHandler}. */
exports.HANDLER_BRAND = Symbol.for("eidetica.handler");
/** True if `value` is a {@link SyncTransport}. */
function isSyncTransport(value) {
    return typeof value === "object" && value !== null && value[exports.TRANSPORT_BRAND] === true;
}
/** True if `value` is a {@link SyncHandler}. */
function isSyncHandler(value) {
    return typeof value === "object" && value !== null && value[exports.HANDLER_BRAND] === true;
}
/**
 * Makes a {@link SyncHandler} from a function. A thrown `EideticaError` becomes an `Error`
 * response with its (peer-safe) message; any other error becomes `"internal error"` and is
 * passed to `onError` (default: `console.warn`), so nothing is swallowed silently.
 */
function syncHandler(handle, onError) {
    var _a;
    if (onError === void 0) { onError = function (error) { return console.warn("eidetica: sync handler failed", error); }; }
    return _a = {},
        _a[exports.HANDLER_BRAND] = true,
        _a.handle = function (request, context) {
            return __awaiter(this, void 0, void 0, function () {
                var error_1;
                return __generator(this, function (_a) {
                    switch (_a.label) {
                        case 0:
                            _a.trys.push([0, 2, , 3]);
                            return [4 /*yield*/, handle(request, context)];
                        case 1: return [2 /*return*/, _a.sent()];
                        case 2:
                            error_1 = _a.sent();
                            if ((0, core_1.isEideticaError)(error_1))
                                return [2 /*return*/, { kind: "Error", message: error_1.message }];
                            onError(error_1);
                            return [2 /*return*/, { kind: "Error", message: "internal error" }];
                        case 3: return [2 /*return*/];
                    }
                });
            });
        },
        _a;
}
