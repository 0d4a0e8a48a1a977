import { createHash } from "node:crypto";
import { isId } from "../ids";
import { tenantFromSegment, tenantSegment } from "../table/keys";

/**
 * Object keys. Everything of a tenant sits under prefixes carrying its segment, and no key is ever
 * built from client-supplied text (ids are validated UUIDs).
 *
 * Presigned PUT URLs only ever name `uploads/` keys: completed audio under `t/` is written by the
 * service alone (a server-side copy of bytes it inspected) and never overwritten, so a client
 * holding an old upload URL can't change what is served.
 */
const tenantPrefix = (tenant: string) => `t/${tenantSegment(tenant)}/`;

export const objectKeys = {
  tenantPrefix,
  /** Where a tenant's uploads wait to be inspected; the bucket expires what lingers here. */
  uploadPrefix: (tenant: string) => `uploads/${tenantSegment(tenant)}/`,
  /** Exports and import uploads live under top-level prefixes that the bucket expires after a day. */
  exportArchive: (tenant: string, name: string) => `exports/${tenantSegment(tenant)}/${name}.zip`,
  /**
   * A transcoded copy of the audio object `sourceKey` (immutable: every write gets a fresh key), in
   * the options `tag` names: one object per (audio object, format, options), expired with exports.
   */
  transcoded: (tenant: string, sourceKey: string, tag: string, extension: string) =>
    `exports/${tenantSegment(tenant)}/audio/${createHash("sha256").update(sourceKey).digest("base64url").slice(0, 22)}/${tag}${extension}`,
  importUpload: (tenant: string, importId: string) => `imports/${tenantSegment(tenant)}/${importId}.zip`,
  importStaging: (tenant: string, importId: string, entry: number) =>
    `imports/${tenantSegment(tenant)}/${importId}/entry-${entry}.wav`,
  /** The one key a pending generation's upload URL names. */
  generationUpload: (tenant: string, generationId: string) => `uploads/${tenantSegment(tenant)}/${generationId}.wav`,
  /** The one key a pending version's upload URL names. */
  versionUpload: (tenant: string, generationId: string, versionId: string) =>
    `uploads/${tenantSegment(tenant)}/${generationId}/${versionId}.wav`,
  /** Where a tenant's search segments live (packages/core/src/search): immutable, named once. */
  searchPrefix: (tenant: string) => `search/${tenantSegment(tenant)}/`,
  searchSegment: (tenant: string, segmentId: string) => `search/${tenantSegment(tenant)}/${segmentId}.jsonl.gz`,
  /**
   * Completed audio. `objectId` is fresh for every object written, so two completions racing each
   * write their own copy and the record points at the one whose transaction won.
   */
  audio: (tenant: string, generationId: string, objectId: string) => `${tenantPrefix(tenant)}audio/${generationId}/${objectId}.wav`,
  /** Archived audio (archival compression): FLAC with the WAV's other bytes inside, next to the WAVs it replaces. */
  archivedAudio: (tenant: string, generationId: string, objectId: string) => `${tenantPrefix(tenant)}audio/${generationId}/${objectId}.flac`,
  restoredPrefix: (tenant: string) => `restored/${tenantSegment(tenant)}/`,
  /**
   * The WAV restored from an archived object, for presigned downloads: one per archive object (its
   * object id), under a top-level prefix the bucket expires after a day.
   */
  restoredCopy: (tenant: string, generationId: string, archiveObjectId: string) =>
    `restored/${tenantSegment(tenant)}/${generationId}/${archiveObjectId}.wav`,
};

/** The restored copy an archived object's downloads are served from (its key names the archive's object id). */
export function restoredCopyOf(archiveKey: string): string {
  const match = /^t\/([A-Za-z0-9_-]+)\/audio\/([0-9a-f-]{36})\/([0-9a-f-]{36})\.flac$/.exec(archiveKey);
  if (!match) throw new Error(`not an archive key: ${archiveKey}`);
  return `restored/${match[1]}/${match[2]}/${match[3]}.wav`;
}

/** What a key of ours is, for the tenant and generation (or import) its segments name. */
export type ParsedKey =
  | { area: "audio"; tenant: string; generationId: string }
  | { area: "upload"; tenant: string; generationId: string; versionId?: string }
  | { area: "import"; tenant: string; importId: string }
  | { area: "restored"; tenant: string; generationId: string };

const SEGMENT = "([A-Za-z0-9_-]+)";
const UUID = "([0-9a-f-]{36})";
const patterns = {
  // Before fresh object ids, an original lived at t/<seg>/audio/<id>.wav; such objects are still ours.
  // Archived audio (.flac) sits beside the WAVs.
  audio: new RegExp(`^t/${SEGMENT}/audio/${UUID}(?:/${UUID})?\\.(?:wav|flac)$`),
  upload: new RegExp(`^uploads/${SEGMENT}/${UUID}(?:/${UUID})?\\.wav$`),
  // Only the archive itself: the entries an import stages next to it (…/<id>/entry-N.wav) are not uploads.
  import: new RegExp(`^imports/${SEGMENT}/${UUID}\\.zip$`),
  restored: new RegExp(`^restored/${SEGMENT}/${UUID}/${UUID}\\.wav$`),
} as const;

/**
 * Which of our keys `key` is, or undefined for anything else. Only keys objectKeys builds match,
 * with a canonical tenant segment and UUIDv7 ids, so a stray or crafted key never names a record.
 */
export function parseKey(key: string): ParsedKey | undefined {
  for (const area of ["audio", "upload", "import", "restored"] as const) {
    const match = patterns[area].exec(key);
    if (!match) continue;
    const [, segment, first, second] = match;
    const tenant = tenantFromSegment(segment!);
    if (tenant === undefined || !isId(first!) || (second !== undefined && !isId(second))) return undefined;
    if (area === "import") return { area, tenant, importId: first! };
    if (area === "audio" || area === "restored") return { area, tenant, generationId: first! };
    return second === undefined ? { area, tenant, generationId: first! } : { area, tenant, generationId: first!, versionId: second };
  }
  return undefined;
}
