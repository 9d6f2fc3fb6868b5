"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
var vitest_config_1 = require("@eidetica/vitest-config");
var config_1 = require("vitest/config");
// Tests import this package by name, as a user would; resolve that to the source so they
// need no build first (tsconfig.json maps it the same way for type-checking).
exports.default = (0, config_1.mergeConfig)(vitest_config_1.preset, (0, config_1.defineConfig)({
    resolve: { alias: { "@eidetica/peer-store": new URL("./src/index.ts", import.meta.url).pathname } },
}));
