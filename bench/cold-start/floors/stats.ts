// Floor of `GET /history/stats`: the calls core/stats/read.ts makes, at once: a Query of the
// aggregate items, a Query of the last 30 days' items, a consistent GetItem of the settings.
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "@sonna/core/aws";
import { tableName } from "@sonna/core/resources";
import { keys } from "@sonna/core/table/keys";
import { floorRoute } from "./route";

const DAYS = 30;
const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

export const handler = floorRoute("GET", "/history/stats", async (tenant, c) => {
  const TableName = tableName();
  const pk = keys.tenantPartition(tenant);
  const [aggregates, days, settings] = await Promise.all([
    dynamo.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": pk, ":prefix": keys.statsPrefix },
      }),
    ),
    dynamo.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: { ":pk": pk, ":from": keys.dayStats(tenant, day(DAYS - 1)).sk, ":to": keys.dayStats(tenant, day(0)).sk },
      }),
    ),
    dynamo.send(new GetCommand({ TableName, Key: keys.settings(tenant), ConsistentRead: true })),
  ]);
  return c.json({ aggregates: aggregates.Items, days: days.Items, settings: settings.Item ?? null }, 200);
});
