import { BatchGetCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { log } from "../observability";
import { eachInParallel } from "../parallel";
import { tableName } from "../resources";
import { keys } from "../table/keys";
import { queryPages } from "../table/query-pages";
import { ConditionFailed, transact } from "../table/transact";
import { webhookSettings } from "./config";
import { overdueAttempts } from "./deliveries";
import { nudgeDispatcher, sendWebhookMessage } from "./queue";

/** Tenants swept at once: each costs two reads and a Query of its due index. */
const TENANT_CONCURRENCY = 8;

export interface WebhookSweepResult {
  tenants: number;
  /** Dispatchers nudged because their position lags the log head. */
  nudged: number;
  /** Tries sent again because their delivery was overdue (its message lost). */
  resent: number;
  /** Tenants taken off the registry: they have no endpoint left. */
  pruned: number;
  errors: number;
}

/** Removes a tenant from the registry, unless it has an endpoint again (the count is read in the same transaction). */
async function prune(tenant: string): Promise<boolean> {
  try {
    await transact([
      {
        ConditionCheck: {
          TableName: tableName(),
          Key: keys.changeSequence(tenant),
          ConditionExpression: "attribute_not_exists(webhooks) OR webhooks <= :zero",
          ExpressionAttributeValues: { ":zero": 0 },
        },
      },
      { Delete: { TableName: tableName(), Key: keys.webhookTenant(tenant) } },
    ]);
    return true;
  } catch (error) {
    if (error instanceof ConditionFailed) return false;
    throw error;
  }
}

async function sweepTenant(tenant: string, result: WebhookSweepResult): Promise<void> {
  const { Responses } = await dynamo.send(
    new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: [keys.changeSequence(tenant), keys.webhookPosition(tenant)] } } }),
  );
  const found = Responses?.[tableName()] ?? [];
  const counter = found.find((item) => item.sk === keys.changeSequence(tenant).sk);
  const position = found.find((item) => item.sk === keys.webhookPosition(tenant).sk);
  if (Number(counter?.webhooks ?? 0) <= 0) {
    if (await prune(tenant)) result.pruned++;
    return;
  }
  if (Number(counter?.seq ?? 0) > Number(position?.seq ?? 0)) {
    await nudgeDispatcher(tenant);
    result.nudged++;
  }
  for (const message of await overdueAttempts(tenant, webhookSettings.now() - webhookSettings.overdueAfterMs)) {
    await sendWebhookMessage(message);
    result.resent++;
  }
}

/**
 * The minute sweep over the tenants with endpoints (their registry, one Query, never a scan): it
 * nudges every dispatcher whose position lags the log head and resends every try overdue by more
 * than `overdueAfterMs`, so a lost nudge or message (a crash between a write and its queue send,
 * a worker killed after recording a try) delays an event by about a minute and loses nothing. An
 * error for one tenant is logged and counted; the next minute tries again.
 */
export async function runWebhookSweep(options: { tenants?: (tenant: string) => boolean } = {}): Promise<WebhookSweepResult> {
  const included = options.tenants ?? (() => true);
  const result: WebhookSweepResult = { tenants: 0, nudged: 0, resent: 0, pruned: 0, errors: 0 };
  for await (const page of queryPages({
    TableName: tableName(),
    KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": keys.webhookTenantsPartition },
  })) {
    const tenants = (page.Items ?? []).map((item) => item.tenant as string).filter((tenant) => typeof tenant === "string" && included(tenant));
    await eachInParallel(tenants, TENANT_CONCURRENCY, async (tenant) => {
      result.tenants++;
      try {
        await sweepTenant(tenant, result);
      } catch (error) {
        result.errors++;
        log.error("webhook sweep failed for a tenant", { tenant, error });
      }
    });
  }
  return result;
}
