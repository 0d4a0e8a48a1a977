import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, so `npm start` finds the same data wherever it is run from. */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** `$SONNA_DATA_DIR` (relative to the working directory) or `.sonna/` at the repo root. */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SONNA_DATA_DIR ? resolve(env.SONNA_DATA_DIR) : join(repoRoot, ".sonna");
}

export const secretPath = (dataDir: string) => join(dataDir, "secret");

/** The stored JWT secret, or null before the first `npm start`. */
export function readSecret(dataDir: string): string | null {
  try {
    const secret = readFileSync(secretPath(dataDir), "utf8").trim();
    return secret.length > 0 ? secret : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** Reads the secret, creating it on first run; tokens stay valid across restarts because it is reused. */
export function ensureSecret(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const existing = readSecret(dataDir);
  if (existing) return existing;
  const secret = randomBytes(32).toString("hex");
  writeFileSync(secretPath(dataDir), `${secret}\n`, { mode: 0o600 });
  // The mode above only applies on creation; an empty file left by an interrupted run keeps its own.
  chmodSync(secretPath(dataDir), 0o600);
  return secret;
}
