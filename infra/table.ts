import { keyAttributes, tableSchema } from "../packages/core/src/table/schema";

/**
 * Built from the same schema the local stack creates its table from, so the deployed table and
 * the one the tests run against cannot drift apart (tests/infra.test.ts holds them together).
 */
export const table = new sst.aws.Dynamo("Table", {
  // DynamoDB rejects attribute definitions that no key or index uses, so only key attributes here.
  fields: Object.fromEntries(keyAttributes.map((attribute) => [attribute, "string" as const])),
  primaryIndex: { hashKey: tableSchema.partitionKey, rangeKey: tableSchema.sortKey },
  globalIndexes: Object.fromEntries(
    Object.entries(tableSchema.indexes).map(([indexName, index]) => [
      indexName,
      { hashKey: index.partitionKey, rangeKey: index.sortKey },
    ]),
  ),
  ttl: tableSchema.ttlAttribute,
  // SST's Dynamo always enables point-in-time recovery; deletion protection only in production so
  // dev and PR stages can still be removed.
  deletionProtection: $app.stage === "production",
});
