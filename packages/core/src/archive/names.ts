/**
 * Rules for entry names, shared by the reader (which refuses unsafe archives), the writer (which
 * must never produce an archive the reader refuses) and the manifest parser (whose file
 * references must name entries the reader would accept).
 *
 * Names are only ever matched against manifests; storage keys are never built from them. The rules
 * are strict anyway, because the same archive may later be extracted by tools that do build paths.
 */

/** The longest name we accept, in UTF-16 code units; real exports use a few dozen. */
export const MAX_ENTRY_NAME_CHARS = 255;

const NESTED_EXTENSION = /\.(zip|gz|tgz|7z|rar|tar|bz2|xz|zst|jar)$/i;
// C0, DEL, C1, and the bidi overrides/isolates that make a name display as something else.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * Why `name` is not a safe entry name, or null if it is. Directory entries end in "/"; their
 * segments follow the same rules.
 */
export function unsafeNameReason(name: string): string | null {
  if (name.length === 0) return "the name is empty";
  if (name.length > MAX_ENTRY_NAME_CHARS) return `the name is longer than ${MAX_ENTRY_NAME_CHARS} characters`;
  if (CONTROL.test(name)) return "the name contains NUL or control characters";
  if (name.includes("\\")) return "the name contains a backslash";
  if (/^[A-Za-z]:/.test(name)) return "the name starts with a drive letter";
  // Anywhere else a colon is a Windows alternate data stream.
  if (name.includes(":")) return "the name contains a colon";
  if (name.startsWith("/")) return "the name is an absolute path";
  if (!name.isWellFormed()) return "the name is not well-formed Unicode";
  const segments = (name.endsWith("/") ? name.slice(0, -1) : name).split("/");
  for (const segment of segments) {
    if (segment === "..") return "the name has a '..' segment";
    if (segment === ".") return "the name has a '.' segment";
    if (segment === "") return "the name has an empty segment ('//')";
    // Windows drops these, so "a.wav." and "a.wav" would be the same file there.
    if (/[. ]$/.test(segment)) return "a path segment ends with a dot or a space";
  }
  return null;
}

export const isDirectoryName = (name: string): boolean => name.endsWith("/");

/** Names that announce an archive inside the archive. */
export const isNestedArchiveName = (name: string): boolean => NESTED_EXTENSION.test(name);

/** How names compare for duplicates: case-insensitively and after Unicode normalisation. */
export const nameKey = (name: string): string => name.normalize("NFC").toLowerCase();

/** A name as it may appear in an error detail: quoted, escaped and cut short. */
export function showName(name: string): string {
  const cut = name.length > 120 ? `${name.slice(0, 117)}...` : name;
  return JSON.stringify(cut).replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
