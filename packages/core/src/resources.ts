import { Resource } from "sst/resource";

/**
 * Names of the linked resources. Deployed, SST injects them; locally the embedded stack sets the
 * same SST_RESOURCE_<Name> variables, so there is one code path.
 */
export const tableName = (): string => (Resource as unknown as { Table: { name: string } }).Table.name;
export const bucketName = (): string => (Resource as unknown as { Bucket: { name: string } }).Bucket.name;
