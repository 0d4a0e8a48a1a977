// Bulk seeding and lost-message helpers shared by the job and fault suites.
import assert from "node:assert/strict";
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "@sonna/core/aws";
import { countedFacts, type GenerationItem } from "@sonna/core/generations/model";
import { tableName } from "@sonna/core/resources";
import { statsUpdates } from "@sonna/core/stats/aggregates";
import { untilProcessed } from "@sonna/core/table/batch";
import { transact } from "@sonna/core/table/transact";
import { inParallel } from "./fixtures";

/**
 * Stores generation items as the service stores them, with the same counters (statsUpdates over
 * all of them, summed, as bulk deletes do), but written 25 at a time: DynamoDB Local serializes
 * the thousands of transactions createGeneration would run on the same counter items to a few
 * dozen a second.
 */
export async function putCountedGenerations(tenantId: string, items: GenerationItem[]): Promise<void> {
  const chunks = Array.from({ length: Math.ceil(items.length / 25) }, (_, i) => items.slice(i * 25, i * 25 + 25));
  await inParallel(chunks, 8, async (chunk) => {
    await untilProcessed("BatchWriteItem", chunk.map((Item) => ({ PutRequest: { Item } })), async (requests) => {
      const { UnprocessedItems } = await dynamo.send(new BatchWriteCommand({ RequestItems: { [tableName()]: requests } }));
      return (UnprocessedItems?.[tableName()] as typeof requests | undefined) ?? [];
    });
  });
  await transact(statsUpdates(tenantId, items.map((item) => [null, countedFacts(item)] as const)));
}

/**
 * Records a job whose message is lost: with SONNA_LOCAL_JOBS unset, jobs go to SQS instead of the
 * in-process runner, and with no `Jobs` link the send fails after the job's transaction committed,
 * exactly like a process that died between the two. The test then plays the worker. The SQS
 * endpoint points at a closed loopback port, so nothing could ever reach AWS.
 */
export async function withMessageLost(record: () => Promise<unknown>): Promise<void> {
  const saved = { jobs: process.env.SONNA_LOCAL_JOBS, endpoint: process.env.AWS_ENDPOINT_URL_SQS };
  delete process.env.SONNA_LOCAL_JOBS;
  process.env.AWS_ENDPOINT_URL_SQS = "http://127.0.0.1:9";
  try {
    await assert.rejects(record(), /SST links|not linked/);
  } finally {
    process.env.SONNA_LOCAL_JOBS = saved.jobs;
    if (saved.endpoint === undefined) delete process.env.AWS_ENDPOINT_URL_SQS;
    else process.env.AWS_ENDPOINT_URL_SQS = saved.endpoint;
  }
}
