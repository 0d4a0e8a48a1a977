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

/** Zero-padded so that sort-key order is number order (15 digits: past 2^49). */
const changeSk = (seq: number) => `CHG#${String(seq).padStart(15, "0")}`;

/** Epoch milliseconds, zero-padded so that sort-key order is time order. */
const epochMsSk = (ms: number) => String(Math.max(0, Math.floor(ms))).padStart(15, "0");

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
  /** The tenant's change counter: the last sequence number handed to a writer. */
  changeSequence: (tenant: string) => ({ pk: tenantPk(tenant), sk: "CHANGESEQ" }),
  /** The tenant's change log, one item per sequence number, in a partition of its own. */
  change: (tenant: string, seq: number) => ({ pk: `${tenantPk(tenant)}#CHG`, sk: changeSk(seq) }),
  changePartition: (tenant: string) => `${tenantPk(tenant)}#CHG`,
  changeSk: (seq: number) => changeSk(seq),
  /** The tenant's search index: the S3 segments it is made of and the change number they cover up to. */
  searchManifest: (tenant: string) => ({ pk: tenantPk(tenant), sk: "SEARCHIDX" }),
  /** A trashed generation's entry in its tenant's purge schedule, by purge_at: the sweep reads only what is due. */
  trashPurge: (tenant: string, purgeAt: string, generationId: string) => ({
    pk: `${tenantPk(tenant)}#PURGE`,
    sk: `${purgeAt}#${generationId}`,
  }),
  purgePartition: (tenant: string) => `${tenantPk(tenant)}#PURGE`,
  /** The last purge-schedule sort key due at `iso` ("~" sorts after every id). */
  purgeDueBy: (iso: string) => `${iso}#~`,
  /** A webhook endpoint of the tenant. */
  webhook: (tenant: string, webhookId: string) => ({ pk: tenantPk(tenant), sk: `WEBHOOK#${webhookId}` }),
  webhookPrefix: "WEBHOOK#",
  /** Where the tenant's webhook dispatcher is in the change log. */
  webhookPosition: (tenant: string) => ({ pk: tenantPk(tenant), sk: "WEBHOOKPOS" }),
  /** One item per event and endpoint, in a partition per endpoint; event ids are UUIDv7, so newest first is descending sk. */
  webhookDelivery: (tenant: string, webhookId: string, eventId: string) => ({ pk: `${tenantPk(tenant)}#WH#${webhookId}`, sk: `DLV#${eventId}` }),
  webhookDeliveriesPartition: (tenant: string, webhookId: string) => `${tenantPk(tenant)}#WH#${webhookId}`,
  /** GSI1 on a delivery while it has an attempt to come, ordered by when it is due (the sweep finds lost ones). */
  webhookDue: (tenant: string, dueMs: number, webhookId: string, eventId: string) => ({
    gsi1pk: `${tenantPk(tenant)}#WHDUE`,
    gsi1sk: `${epochMsSk(dueMs)}#${webhookId}#${eventId}`,
  }),
  webhookDuePartition: (tenant: string) => `${tenantPk(tenant)}#WHDUE`,
  webhookDueBefore: (ms: number) => epochMsSk(ms),
  /** Every tenant with a webhook endpoint, for the minute sweep (which must not scan the table). */
  webhookTenant: (tenant: string) => ({ pk: "WEBHOOKS", sk: `T#${tenantSegment(tenant)}` }),
  webhookTenantsPartition: "WEBHOOKS",
  profileIdFromStatsSk: (sk: string) => (sk.startsWith("STATS#P#") ? sk.slice("STATS#P#".length) : undefined),
};
