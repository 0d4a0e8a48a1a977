import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "../aws";
import { tableName } from "../resources";
import { keys } from "../table/keys";
import { queryPages } from "../table/query-pages";

/** The purge schedule up to `dueBy` (an ISO instant): a key range, so only what is due is read. */
const dueQuery = (tenant: string, dueBy: string) => ({
  TableName: tableName(),
  KeyConditionExpression: "pk = :pk AND sk <= :due",
  ExpressionAttributeValues: { ":pk": keys.purgePartition(tenant), ":due": keys.purgeDueBy(dueBy) },
});

/** Whether anything in the tenant's trash is due by `dueBy`: one Query of at most one item. */
export async function anyDue(tenant: string, dueBy: string): Promise<boolean> {
  const { Items } = await dynamo.send(new QueryCommand({ ...dueQuery(tenant, dueBy), Limit: 1, ProjectionExpression: "id" }));
  return (Items ?? []).length > 0;
}

/** The ids of trashed generations due by `dueBy`, soonest due first, page by page. */
export async function* dueIds(tenant: string, dueBy: string, pageSize: number): AsyncGenerator<string[]> {
  for await (const page of queryPages({ ...dueQuery(tenant, dueBy), Limit: pageSize, ProjectionExpression: "id" })) {
    if (page.Items?.length) yield page.Items.map((item) => item.id as string);
  }
}
