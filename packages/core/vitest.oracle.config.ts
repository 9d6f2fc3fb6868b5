// The live differential test against Eidetica's Rust CRDT code; needs EIDETICA_RUST_ORACLE.
import { preset } from "@eidetica/vitest-config";
import { defineConfig } from "vitest/config";

export default defineConfig({ test: { ...preset.test, include: ["test/crdt/oracle/live.oracle.ts"] } });
