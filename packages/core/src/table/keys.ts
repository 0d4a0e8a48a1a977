/**
 * The only place that builds key strings. Tenant ids come from a JWT `sub` and may hold any
 * character, so they are base64url-encoded before they meet a `#` separator or an S3 key.
 */
export const tenantSegment = (tenant: string): string => Buffer.from(tenant, "utf8").toString("base64url");

/** The tenant a key segment names, if it is a canonical encoding of one. */
export const tenantFromSegment = (segment: string): string | undefined => {
  const tenant = Buffer.from(segment, "base64url").toString("utf8");
  return tenant.length > 0 && tenantSegment(tenant) === segment ? tenant : undefined;
};

const tenantPk = (tenant: string) => `T#${tenantSegment(tenant)}`;

export const keys = {
  tenantPartition: tenantPk,
  profile: (tenant: string, profileId: string) => ({ pk: tenantPk(tenant), sk: `PROFILE#${profileId}` }),
  profilePrefix: "PROFILE#",
  /** Holds a lower-cased profile name so names stay unique per tenant. */
  profileName: (tenant: string, name: string) => ({ pk: tenantPk(tenant), sk: `PNAME#${name.trim().toLowerCase()}` }),
  profileNamePrefix: "PNAME#",
  generation: (tenant: string, generationId: string) => ({ pk: tenantPk(tenant), sk: `GEN#${generationId}` }),
  generationPrefix: "GEN#",
  generationIdFromSk: (sk: string) => sk.slice("GEN#".length),
  /** GSI1: a profile's generations in id (= time) order. */
  generationByProfile: (tenant: string, profileId: string, generationId: string) => ({
    gsi1pk: `${tenantPk(tenant)}#P#${profileId}`,
    gsi1sk: `GEN#${generationId}`,
  }),
  profileGenerationsPartition: (tenant: string, profileId: string) => `${tenantPk(tenant)}#P#${profileId}`,
  /** Remembers an Idempotency-Key for a day, pointing at what the first request created. */
  idempotency: (tenant: string, scope: string, key: string) => ({ pk: tenantPk(tenant), sk: `IDEM#${scope}#${key}` }),
  importRecord: (tenant: string, importId: string) => ({ pk: tenantPk(tenant), sk: `IMPORT#${importId}` }),
  job: (tenant: string, jobId: string) => ({ pk: tenantPk(tenant), sk: `JOB#${jobId}` }),
  /** One item per unfinished job, in a partition of its own, so lost messages can be sent again. */
  openJob: (jobId: string) => ({ pk: "JOBS", sk: `OPEN#${jobId}` }),
  openJobsPartition: "JOBS",
  settings: (tenant: string) => ({ pk: tenantPk(tenant), sk: "SETTINGS" }),
  /** Every tenant that has made a profile, for the scheduled sweeps (which must not scan the table). */
  tenantRegistry: (tenant: string) => ({ pk: "TENANTS", sk: `T#${tenantSegment(tenant)}` }),
  tenantRegistryPartition: "TENANTS",
  tenantStats: (tenant: string) => ({ pk: tenantPk(tenant), sk: "STATS" }),
  profileStats: (tenant: string, profileId: string) => ({ pk: tenantPk(tenant), sk: `STATS#P#${profileId}` }),
  statsPrefix: "STATS",
  /** Per-day counters sort by date under a prefix of their own, so a date range is a key range. */
  dayStats: (tenant: string, day: string) => ({ pk: tenantPk(tenant), sk: `DAYSTATS#${day}` }),
  dayStatsPrefix: "DAYSTATS#",
  /** A tag's count of live generations; the tag is the rest of the key, whatever it holds. */
  tagStats: (tenant: string, tag: string) => ({ pk: tenantPk(tenant), sk: `TAG#${tag}` }),
  tagStatsPrefix: "TAG#",
  tagFromStatsSk: (sk: string) => sk.slice("TAG#".length),
  /** One item per live generation carrying the tag, in a partition of the tag's own. */
  taggedGeneration: (tenant: string, tag: string, generationId: string) => ({
    pk: `${tenantPk(tenant)}#TAG#${tag}`,
    sk: `GEN#${generationId}`,
  }),
  tagPartition: (tenant: string, tag: string) => `${tenantPk(tenant)}#TAG#${tag}`,
  /** One item per completed live generation, under the digest of its creation settings. */
  lookupEntry: (tenant: string, digest: string, generationId: string) => ({
    pk: `${tenantPk(tenant)}#LOOKUP#${digest}`,
    sk: `GEN#${generationId}`,
  }),
  lookupPartition: (tenant: string, digest: string) => `${tenantPk(tenant)}#LOOKUP#${digest}`,
  /** A trashed generation: same attributes, its own key; gsi1 orders the trash by deletion. */
  trashedGeneration: (tenant: string, generationId: string) => ({ pk: tenantPk(tenant), sk: `TRASH#${generationId}` }),
  trashPrefix: "TRASH#",
  trashByDeletion: (tenant: string, deletedAt: string, generationId: string) => ({
    gsi1pk: `${tenantPk(tenant)}#TRASH`,
    gsi1sk: `${deletedAt}#${generationId}`,
  }),
  trashPartition: (tenant: string) => `${tenantPk(tenant)}#TRASH`,
  profileIdFromStatsSk: (sk: string) => (sk.startsWith("STATS#P#") ? sk.slice("STATS#P#".length) : undefined),
};
