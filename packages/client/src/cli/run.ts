#!/usr/bin/env node
// The `sonna-history` command: the CLI with this process's streams and environment.
import { main } from "./main.js";

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
