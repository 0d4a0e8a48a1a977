// `npm run --silent token -- <subject>`: prints a bearer token for the local stack, and nothing
// else on stdout, so `TOKEN=$(npm run --silent token -- alice)` works.
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { signLocalToken } from "./tokens";
import { readSecret, resolveDataDir } from "./data-dir";

/** Same bound the token verifier enforces, so a token we print is one the API accepts. */
export const MAX_SUBJECT_CHARS = 256;
export const DEFAULT_SUBJECT = "dev";

/** The subject from the CLI arguments; throws on an empty, blank or over-long one. */
export function parseSubject(args: readonly string[]): string {
  const subject = args[0] ?? DEFAULT_SUBJECT;
  if (subject.trim().length === 0) throw new Error("The subject must not be empty.");
  if (subject.length > MAX_SUBJECT_CHARS) {
    throw new Error(`The subject must be at most ${MAX_SUBJECT_CHARS} characters (got ${subject.length}).`);
  }
  return subject;
}

/** Says where it looked and that `npm start` may have used another data dir, which this command must be given too. */
export function noSecretMessage(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return (
    `No secret in ${dataDir}${env.SONNA_DATA_DIR ? " (SONNA_DATA_DIR)" : ", the default data dir"}. ` +
    "If `npm start` ran with another SONNA_DATA_DIR, set the same one here: SONNA_DATA_DIR=<dir> npm run --silent token -- <subject>. " +
    "Otherwise run `npm start` once first."
  );
}

async function main(): Promise<number> {
  let subject: string;
  try {
    subject = parseSubject(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  const dataDir = resolveDataDir();
  const secret = readSecret(dataDir);
  if (!secret) {
    console.error(noSecretMessage(dataDir));
    return 1;
  }
  console.log(await signLocalToken(secret, subject, { expiresIn: "30d" }));
  return 0;
}

const invokedDirectly = (() => {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

if (invokedDirectly) process.exitCode = await main();
