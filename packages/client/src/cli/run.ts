#!/usr/bin/env node
// The `sonna-history` command: the CLI with this process's streams and environment. The first
// Ctrl-C lets the command finish its current item and report; a second one stops at once.
import { main } from "./main.js";

const interrupt = new AbortController();
process.on("SIGINT", () => {
  if (interrupt.signal.aborted) process.exit(130);
  process.stderr.write("\ninterrupted: finishing the current item, then reporting (Ctrl-C again to stop now)\n");
  interrupt.abort();
});

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: interrupt.signal });
