import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { queryPages } from "../table/query-pages";
import { dynamo } from "../aws";
import { notFound } from "../errors";
import { isId, newId } from "../ids";
import { tableName } from "../resources";
import { keys } from "../table/keys";
import { jobFinished } from "../changes/entries";
import { transactWithChanges } from "../changes/log";
import { jobWithoutLinks, type JobItem, type JobMessage, type JobProgress, type JobType } from "./model";

/** Finished jobs stay readable for a week, then TTL removes them. */
const JOB_RETENTION_SECONDS = 7 * 24 * 3600;

export function newJobItem(tenant: string, type: JobType, params: Record<string, unknown>): JobItem {
  const id = newId();
  const now = new Date().toISOString();
  const item: JobItem = {
    ...keys.job(tenant, id),
    entity: "job",
    tenant,
    id,
    type,
    status: "queued",
    progress: { done: 0, total: null },
    result: null,
    error: null,
    attempts: 0,
    params,
    created_at: now,
    updated_at: now,
    expires_at_epoch: Math.floor(Date.now() / 1000) + JOB_RETENTION_SECONDS,
  };
  return item;
}

export async function findJob(tenant: string, id: string): Promise<JobItem | undefined> {
  if (!isId(id)) return undefined;
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName(), Key: keys.job(tenant, id), ConsistentRead: true }));
  return Item as JobItem | undefined;
}

export async function getJob(tenant: string, id: string): Promise<JobItem> {
  const item = await findJob(tenant, id);
  if (!item) throw notFound("job", id);
  return item;
}

/**
 * Claims a job for an attempt. Finished jobs are not claimed again, so a redelivered message is a
 * no-op; a job left `running` by a killed worker is claimed again and resumes.
 */
export async function claimJob(tenant: string, id: string): Promise<JobItem | undefined> {
  try {
    const { Attributes } = await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.job(tenant, id),
        UpdateExpression: "SET #status = :running, updated_at = :now ADD attempts :one",
        ConditionExpression: "attribute_exists(pk) AND #status IN (:queued, :running)",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":running": "running", ":queued": "queued", ":now": new Date().toISOString(), ":one": 1 },
        ReturnValues: "ALL_NEW",
      }),
    );
    return Attributes as JobItem;
  } catch (error) {
    if ((error as { name?: string }).name === "ConditionalCheckFailedException") return undefined;
    throw error;
  }
}

export async function recordProgress(tenant: string, id: string, progress: JobProgress): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.job(tenant, id),
      UpdateExpression: "SET progress = :progress, updated_at = :now",
      ExpressionAttributeValues: { ":progress": progress, ":now": new Date().toISOString() },
    }),
  );
}

/** Records a job's end, and its `job.finished` event (with the job as GET /jobs/{id} shows it, links aside). */
export async function finishJob(
  tenant: string,
  job: JobItem,
  outcome: { status: "succeeded"; result: Record<string, unknown> } | { status: "failed"; error: string },
): Promise<void> {
  const finished: JobItem = {
    ...job,
    status: outcome.status,
    result: outcome.status === "succeeded" ? outcome.result : null,
    error: outcome.status === "failed" ? outcome.error : null,
    updated_at: new Date().toISOString(),
  };
  await transactWithChanges(
    tenant,
    [
      {
        Update: {
          TableName: tableName(),
          Key: keys.job(tenant, job.id),
          UpdateExpression: "SET #status = :status, #result = :result, #error = :error, updated_at = :now",
          ExpressionAttributeNames: { "#status": "status", "#result": "result", "#error": "error" },
          ExpressionAttributeValues: { ":status": finished.status, ":result": finished.result, ":error": finished.error, ":now": finished.updated_at },
        },
      },
      { Delete: { TableName: tableName(), Key: keys.openJob(job.id) } },
    ],
    [jobFinished(jobWithoutLinks(finished))],
  );
}

/** Unfinished jobs older than `olderThanMs`, to send again (their message may have been lost with a crash). */
export async function openJobsOlderThan(olderThanMs: number): Promise<JobMessage[]> {
  const cutoff = new Date(Date.now() - olderThanMs).toISOString();
  const messages: JobMessage[] = [];
  for await (const page of queryPages({
    TableName: tableName(),
    KeyConditionExpression: "pk = :pk",
    FilterExpression: "created_at <= :cutoff",
    ExpressionAttributeValues: { ":pk": keys.openJobsPartition, ":cutoff": cutoff },
  })) {
    for (const item of page.Items ?? []) messages.push({ tenant: item.tenant as string, job_id: item.job_id as string });
  }
  return messages;
}
