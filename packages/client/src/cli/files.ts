import { rename, rm, writeFile } from "node:fs/promises";

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
