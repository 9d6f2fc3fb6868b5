import { preset } from "@eidetica/vitest-config";
import { defineConfig, mergeConfig } from "vitest/config";

export default mergeConfig(preset, defineConfig({}));
