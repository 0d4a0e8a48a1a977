import { tableName } from "../resources";
import { keys } from "../table/keys";
import { transactWithChanges, type ChangeEntry } from "../changes/log";
import type { TransactItem } from "../table/transact";
import { toJob, type Job, type JobType } from "./model";
import { sendJobMessage } from "./queue";
import { newJobItem } from "./store";

/**
 * Records a job, together with the writes that make it necessary (`with`, first in the
 * transaction so their condition indexes stay theirs) and the changes they log, then queues it.
 */
export async function enqueueJob(
  tenant: string,
  type: JobType,
  params: Record<string, unknown>,
  withItems: TransactItem[] = [],
  changes: ChangeEntry[] = [],
): Promise<Job> {
  const item = newJobItem(tenant, type, params);
  await transactWithChanges(tenant, [
    ...withItems,
    { Put: { TableName: tableName(), Item: item, ConditionExpression: "attribute_not_exists(pk)" } },
    { Put: { TableName: tableName(), Item: { ...keys.openJob(item.id), tenant, job_id: item.id, created_at: item.created_at } } },
  ], changes);
  await sendJobMessage({ tenant, job_id: item.id });
  return toJob(item);
}
