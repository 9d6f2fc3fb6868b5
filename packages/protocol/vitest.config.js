"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
var vitest_config_1 = require("@eidetica/vitest-config");
var config_1 = require("vitest/config");
exports.default = (0, config_1.mergeConfig)(vitest_config_1.preset, (0, config_1.defineConfig)({}));
