import { tenantSegment } from "../table/keys";

/**
 * Object keys. Everything of a tenant sits under one prefix, and no key is ever built from
 * client-supplied text (ids are validated UUIDs).
 */
const tenantPrefix = (tenant: string) => `t/${tenantSegment(tenant)}/`;

export const objectKeys = {
  tenantPrefix,
  /** Exports and import uploads live under top-level prefixes that the bucket expires after a day. */
  exportArchive: (tenant: string, name: string) => `exports/${tenantSegment(tenant)}/${name}.zip`,
  importUpload: (tenant: string, importId: string) => `imports/${tenantSegment(tenant)}/${importId}.zip`,
  importStaging: (tenant: string, importId: string, entry: number) =>
    `imports/${tenantSegment(tenant)}/${importId}/entry-${entry}.wav`,
  audio: (tenant: string, generationId: string) => `${tenantPrefix(tenant)}audio/${generationId}.wav`,
  versionAudio: (tenant: string, generationId: string, versionId: string) =>
    `${tenantPrefix(tenant)}audio/${generationId}/${versionId}.wav`,
};
