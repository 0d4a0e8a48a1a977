// The client's types, generated from the OpenAPI document the app serves (openapi-typescript):
//   npm run generate -w @sonna/history-client     rewrites src/schema.d.ts
// tests/client.test.ts fails while the file differs from what this generates.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString, type OpenAPI3 } from "openapi-typescript";

export const schemaPath = fileURLToPath(new URL("../src/schema.d.ts", import.meta.url));

const HEADER = "// Generated from the API's OpenAPI document by packages/client/scripts/schema.ts: do not edit.\n\n";

/** The schema file's text for the document the app serves now. */
export async function schemaSource(): Promise<string> {
  const { app } = await import("@sonna/functions/app");
  const document = (await (await app.request("/openapi.json")).json()) as OpenAPI3;
  return HEADER + astToString(await openapiTS(document));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeFileSync(schemaPath, await schemaSource());
