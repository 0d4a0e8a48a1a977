import { access, rename, rm, writeFile } from "node:fs/promises";
import { ItemFailure } from "./command.js";

/** Suffix of a file being written; a run cut short leaves only these behind, and the next removes them. */
export const PARTIAL = ".partial";

/** Writes beside the target and renames, so a file is either whole under its name or not there. */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const partial = `${path}${PARTIAL}`;
  try {
    await writeFile(partial, bytes);
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** Refuses a path that already names a file, unless `force`: a download never replaces what is there by accident. */
export async function refuseExisting(path: string, force: boolean | undefined): Promise<void> {
  if (force) return;
  const exists = await access(path).then(() => true, () => false);
  if (exists) throw new ItemFailure(`${path} exists already; --force replaces it`);
}
