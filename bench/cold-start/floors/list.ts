// Floor of `GET /history?limit=N`: the calls core/generations/list.ts makes for a first page of a
// tenant with one profile: at once a Query of the newest N+1 generations and a GetItem of the
// tenant's count, then a BatchGetItem of the page's profile names.
import { BatchGetCommand, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { dynamo } from "@sonna/core/aws";
import { tableName } from "@sonna/core/resources";
import { keys } from "@sonna/core/table/keys";
import { floorRoute } from "./route";

export const handler = floorRoute("GET", "/history", async (tenant, c) => {
  const TableName = tableName();
  const limit = Number(c.req.query("limit") ?? 50);
  const [page, count] = await Promise.all([
    dynamo.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: "#pk = :pk AND #sk BETWEEN :low AND :high",
        ExpressionAttributeNames: { "#pk": "pk", "#sk": "sk" },
        ExpressionAttributeValues: { ":pk": keys.tenantPartition(tenant), ":low": keys.generationPrefix, ":high": `${keys.generationPrefix}~` },
        ScanIndexForward: false,
        Limit: limit + 1,
      }),
    ),
    dynamo.send(
      new GetCommand({ TableName, Key: keys.tenantStats(tenant), ProjectionExpression: "#c", ExpressionAttributeNames: { "#c": "generations" } }),
    ),
  ]);
  const items = (page.Items ?? []).slice(0, limit);
  const profiles = [...new Set(items.map((item) => item.profile_id as string))];
  const names = await dynamo.send(
    new BatchGetCommand({
      RequestItems: {
        [TableName]: { Keys: profiles.map((id) => keys.profile(tenant, id)), ProjectionExpression: "id, #name", ExpressionAttributeNames: { "#name": "name" } },
      },
    }),
  );
  return c.json({ items, total: count.Item?.generations ?? 0, names: names.Responses?.[TableName] ?? [] }, 200);
});
