/** What every command of `sonna-history` shares: its options, its input and output, its exit codes and errors. */
import type { parseArgs } from "node:util";
import type { SonnaClient } from "../client.js";

export const EXIT = { done: 0, itemsFailed: 1, usage: 2, interrupted: 130 } as const;

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Aborted by Ctrl-C: commands stop after the current item and report what they did. */
  signal?: AbortSignal;
}

/** `--json` output: one document on stdout. */
export const printJson = (io: Io, value: unknown) => io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

/** A wrong command line: a pointer to the command's help follows, exit 2. */
export class UsageError extends Error {}

/** A configuration or local problem found before anything was done (no token, a folder that is a file): exit 2. */
export class ConfigError extends Error {}

/** One item that could not be done (an unreadable file): reported, and the rest go on. */
export class ItemFailure extends Error {}

export const OPTIONS = {
  url: { type: "string" },
  token: { type: "string" },
  json: { type: "boolean" },
  profile: { type: "string" },
  status: { type: "string" },
  tag: { type: "string", multiple: true },
  favorites: { type: "boolean" },
  limit: { type: "string" },
  out: { type: "string" },
  force: { type: "boolean" },
  format: { type: "string" },
  bitrate: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"];

export interface Command {
  sonna: SonnaClient;
  args: string[];
  values: Values;
  io: Io;
}

export function oneArgument(args: string[], what: string): string {
  if (args.length !== 1) throw new UsageError(`Give exactly one ${what}.`);
  return args[0]!;
}
