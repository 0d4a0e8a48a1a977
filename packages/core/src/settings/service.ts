import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { tableName } from "../resources";
import { keys } from "../table/keys";
import { transact } from "../table/transact";
import type { Settings } from "../shapes/settings";

export type { Settings } from "../shapes/settings";

export const defaultSettings = (): Settings => ({
  retention_days: null,
  keep_favorites: true,
  quota_bytes: null,
  profile_quota_bytes: null,
  quota_generations: null,
  profile_quota_generations: null,
  trash_days: 0,
  archive_after_days: null,
});

export async function getSettings(tenant: string): Promise<Settings> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName(), Key: keys.settings(tenant), ConsistentRead: true }));
  const settings = defaultSettings();
  if (!Item) return settings;
  return {
    retention_days: (Item.retention_days as number | null | undefined) ?? settings.retention_days,
    keep_favorites: (Item.keep_favorites as boolean | undefined) ?? settings.keep_favorites,
    quota_bytes: (Item.quota_bytes as number | null | undefined) ?? settings.quota_bytes,
    profile_quota_bytes: (Item.profile_quota_bytes as number | null | undefined) ?? settings.profile_quota_bytes,
    quota_generations: (Item.quota_generations as number | null | undefined) ?? settings.quota_generations,
    profile_quota_generations: (Item.profile_quota_generations as number | null | undefined) ?? settings.profile_quota_generations,
    trash_days: (Item.trash_days as number | undefined) ?? settings.trash_days,
    archive_after_days: (Item.archive_after_days as number | null | undefined) ?? settings.archive_after_days,
  };
}

/**
 * Replaces the settings (fields left out take their defaults). The tenant registry entry carries
 * the retention and the archival age too, so the sweep finds the tenants it has work for without
 * reading every tenant's settings.
 */
export async function putSettings(tenant: string, input: Partial<Settings>): Promise<Settings> {
  const settings: Settings = { ...defaultSettings(), ...input };
  const now = new Date().toISOString();
  await transact([
    { Put: { TableName: tableName(), Item: { ...keys.settings(tenant), ...settings, updated_at: now } } },
    {
      Update: {
        TableName: tableName(),
        Key: keys.tenantRegistry(tenant),
        UpdateExpression: "SET tenant = :tenant, retention_days = :days, keep_favorites = :keep, archive_after_days = :archive",
        ExpressionAttributeValues: {
          ":tenant": tenant,
          ":days": settings.retention_days,
          ":keep": settings.keep_favorites,
          ":archive": settings.archive_after_days,
        },
      },
    },
  ]);
  return settings;
}

/** Idempotent: called whenever a tenant creates a profile. */
export const registerTenant = (tenant: string) => ({
  Update: {
    TableName: tableName(),
    Key: keys.tenantRegistry(tenant),
    UpdateExpression: "SET tenant = :tenant",
    ExpressionAttributeValues: { ":tenant": tenant },
  },
});
