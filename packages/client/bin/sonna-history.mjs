#!/usr/bin/env node
// The CLI's entry: runs the TypeScript sources through tsx (a dev dependency of the workspace).
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
