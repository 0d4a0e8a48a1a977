#!/usr/bin/env node
// The CLI's entry in the workspace: runs the TypeScript sources through tsx (a dev dependency of
// the workspace). The published package's bin is the built dist/cli/run.js (scripts/build.ts).
import { register } from "tsx/esm/api";

register();
await import("../src/cli/run.ts");
