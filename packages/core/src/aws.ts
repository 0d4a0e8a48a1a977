import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { instrumentCapacity } from "./table/capacity";

/**
 * The process's one DynamoDB client, created outside any handler (the S3 one is in
 * storage/client.ts). The local endpoint comes from SONNA_DYNAMODB_ENDPOINT; deployed, it is unset
 * and the SDK's defaults apply.
 */
const dynamoEndpoint = process.env.SONNA_DYNAMODB_ENDPOINT;

export const dynamo = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    ...(dynamoEndpoint ? { endpoint: dynamoEndpoint } : {}),
    // Three tries with the SDK's backoff absorb a throttled or dropped call within the API's 30 s;
    // past that the API answers 503 with Retry-After and the client paces itself (adaptive mode's
    // client-side rate limiter learns little in a short-lived Lambda process).
    retryMode: "standard",
    maxAttempts: 3,
  }),
  { marshallOptions: { removeUndefinedValues: true } },
);
instrumentCapacity(dynamo);
