// The cold-start floor: the least a Hono Lambda behind our HTTP API can be. A bare Hono app and
// handler, and the DynamoDB document client that any handler of ours needs, created at module level.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Hono } from "hono";
import { handle } from "hono/aws-lambda";

const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

const app = new Hono();
app.get("/health", (c) => c.json({ status: "ok", client: typeof dynamo.send }));

export const handler = handle(app);
