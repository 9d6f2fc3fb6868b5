"use strict";
/** Where a peer listens: a transport kind and an address in that transport's own format. */
Object.defineProperty(exports, "__esModule", { value: true });
exports.httpAddress = httpAddress;
exports.irohAddress = irohAddress;
exports.formatAddress = formatAddress;
exports.sameAddress = sameAddress;
/** An HTTP address (`host:port`). */
function httpAddress(hostPort) {
    return { transportType: "http", address: hostPort };
}
/** An iroh address (an endpoint ticket). */
function irohAddress(ticket) {
    return { transportType: "iroh", address: ticket };
}
/** `transport:address`, as in tickets. */
function formatAddress(address) {
    return "".concat(address.transportType, ":").concat(address.address);
}
/** True if both name the same transport and address. */
function sameAddress(a, b) {
    return a.transportType === b.transportType && a.address === b.address;
}
