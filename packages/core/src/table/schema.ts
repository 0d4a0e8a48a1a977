/**
 * The table's key schema, defined once. `infra/table.ts` builds the SST resource from it and the
 * local stack creates its table from it, and a test holds both (and the live table) to it.
 */
export const tableSchema = {
  partitionKey: "pk",
  sortKey: "sk",
  ttlAttribute: "expires_at_epoch",
  indexes: {
    gsi1: { partitionKey: "gsi1pk", sortKey: "gsi1sk" },
  },
} as const;

/** Every key attribute, all strings. */
export const keyAttributes = ["pk", "sk", "gsi1pk", "gsi1sk"] as const;

/** The CreateTable input the local stack and tests use (on-demand, as deployed). */
export const createTableInput = (TableName: string) => ({
  TableName,
  BillingMode: "PAY_PER_REQUEST" as const,
  AttributeDefinitions: keyAttributes.map((AttributeName) => ({ AttributeName, AttributeType: "S" as const })),
  KeySchema: [
    { AttributeName: tableSchema.partitionKey, KeyType: "HASH" as const },
    { AttributeName: tableSchema.sortKey, KeyType: "RANGE" as const },
  ],
  GlobalSecondaryIndexes: Object.entries(tableSchema.indexes).map(([IndexName, index]) => ({
    IndexName,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: "HASH" as const },
      { AttributeName: index.sortKey, KeyType: "RANGE" as const },
    ],
    Projection: { ProjectionType: "ALL" as const },
  })),
});
