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

/**
 * The API reference's script (packages/functions/src/reference-page.ts), read at run time rather
 * than bundled: 4.9 MB that only a /docs request needs. The page looks for it at this path under
 * the nearest directory above its own module, which is the repository from source and the function
 * package once deployed, since the API function's package gets a copy at the same path.
 */
export const referenceScriptFile = "node_modules/@scalar/api-reference/dist/browser/standalone.js";

/** Files the API function reads at run time, copied into its package (SST `copyFiles`). */
export const apiFunctionFiles = [{ from: referenceScriptFile }];

/**
 * The ffmpeg build the transcode function runs (infra/transcode.ts): the static arm64 binary npm
 * ships in this package. SST installs a function's `nodejs.install` packages into its package
 * with npm for the function's architecture (`--cpu=arm64 --os=linux`), so the binary arrives
 * whatever machine deploys; packages/core/src/audio/ffmpeg.ts resolves the same name at run time.
 */
export const FFMPEG_PACKAGE = "@ffmpeg-installer/linux-arm64";
