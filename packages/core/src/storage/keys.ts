import { tenantSegment } from "../table/keys";

/**
 * Object keys. Everything of a tenant sits under one prefix, and no key is ever built from
 * client-supplied text (ids are validated UUIDs).
 */
const tenantPrefix = (tenant: string) => `t/${tenantSegment(tenant)}/`;

export const objectKeys = {
  tenantPrefix,
  audio: (tenant: string, generationId: string) => `${tenantPrefix(tenant)}audio/${generationId}.wav`,
  versionAudio: (tenant: string, generationId: string, versionId: string) =>
    `${tenantPrefix(tenant)}audio/${generationId}/${versionId}.wav`,
};
