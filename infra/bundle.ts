/**
 * How SST bundles every Node function for deploy (esbuild, ESM, minified). `splitting` puts each
 * dynamically imported module in a chunk of its own, loaded the first time a request needs it:
 * the API's routes import S3, the presigner, lib-storage and fflate that way, so a cold start
 * loads only what DynamoDB-only routes need (docs/benchmarks.md, tests/bundle.test.ts).
 *
 * Plain values with no SST globals, so bench/cold-start.ts and tests/bundle.test.ts build
 * exactly what deploys.
 */
export const nodejsBundle = { format: "esm", minify: true, splitting: true } as const;
