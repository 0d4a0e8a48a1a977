import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { VisibleError } from "../errors";
import { tableName } from "../resources";
import type { QuotaCounter, Quotas } from "../stats/aggregates";
import { keys } from "../table/keys";

/**
 * The refusal for a write whose quota condition failed on the aggregate item `statsSk` (the
 * tenant's or a profile's), which held the `guarded` counters to their quotas. The item is read
 * to say which limit was reached and where it stands: the count's when only it was held, or when
 * it is at its limit.
 */
export async function quotaExceeded(tenant: string, statsSk: string, quotas: Quotas, guarded: readonly QuotaCounter[]): Promise<VisibleError> {
  const tenantWide = statsSk === keys.tenantStats(tenant).sk;
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: { pk: keys.tenantPartition(tenant), sk: statsSk }, ConsistentRead: true }),
  );
  const generations = Number(Item?.generations ?? 0);
  const countLimit = tenantWide ? quotas.tenantGenerations : quotas.profileGenerations;
  if (countLimit !== null && countLimit !== undefined && guarded.includes("generations") && (!guarded.includes("bytes") || generations >= countLimit)) {
    const setting = tenantWide ? "quota_generations" : "profile_quota_generations";
    return new VisibleError(
      409,
      "quota.exceeded",
      `${tenantWide ? "You have" : "This profile has"} ${generations} generations, the most ${setting} in /settings allows (${countLimit}); delete some or raise the quota (the trash does not count).`,
      {},
      { quota: setting, limit: countLimit, count: generations },
    );
  }
  const setting = tenantWide ? "quota_bytes" : "profile_quota_bytes";
  const byteLimit = (tenantWide ? quotas.tenant : quotas.profile) ?? null;
  return new VisibleError(
    409,
    "quota.exceeded",
    tenantWide
      ? "This audio would take your storage past its quota (quota_bytes in /settings); delete something, empty the trash or raise the quota."
      : "This audio would take the profile's storage past its quota (profile_quota_bytes in /settings); delete something or raise the quota.",
    {},
    { quota: setting, limit: byteLimit, count: Number(Item?.bytes ?? 0) },
  );
}
