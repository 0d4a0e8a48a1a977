// The cold-start floor: the least a Hono Lambda behind our HTTP API can be. A bare Hono app and
// handler, and the DynamoDB document client that any handler of ours needs, created at module level.
// Its one real route reads one item, so a first request can be timed beside ours.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { Hono } from "hono";
import { handle } from "hono/aws-lambda";

const endpoint = process.env.SONNA_DYNAMODB_ENDPOINT;
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(endpoint ? { endpoint } : {}), {
  marshallOptions: { removeUndefinedValues: true },
});
const table = (JSON.parse(process.env.SST_RESOURCE_Table ?? "{}") as { name?: string }).name;

const app = new Hono();
app.get("/health", (c) => c.json({ status: "ok" }));
app.get("/item/:pk", async (c) => {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table, Key: { pk: c.req.param("pk"), sk: c.req.param("pk") } }));
  return c.json({ item: Item ?? null });
});

export const handler = handle(app);
