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
  new DynamoDBClient({ ...(dynamoEndpoint ? { endpoint: dynamoEndpoint } : {}) }),
  { marshallOptions: { removeUndefinedValues: true } },
);
instrumentCapacity(dynamo);
