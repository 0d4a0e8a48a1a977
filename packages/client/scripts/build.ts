// Builds the publishable package into dist/: ESM JavaScript and .d.ts from src/ (tsc), the
// generated schema types, and a package.json whose exports and bin point at the built files.
// Publish with `npm publish packages/client/dist`; in the workspace, package.json points at src/.
//   npm run build -w @sonna/history-client
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = `${root}dist`;

/** The package's own manifest as published: the workspace's, pointed at dist and without dev-only fields. */
export function publishedManifest(manifest: Record<string, any>): Record<string, unknown> {
  // `private` keeps the workspace copy (which points at src/) from being published by mistake.
  const { scripts: _scripts, devDependencies: _dev, private: _private, ...published } = manifest;
  return {
    ...published,
    exports: { ".": { types: "./index.d.ts", default: "./index.js" } },
    types: "./index.d.ts",
    bin: { "sonna-history": "./cli/run.js" },
  };
}

export function build(): void {
  rmSync(dist, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", `${root}tsconfig.build.json`], { stdio: "inherit" });
  // A declaration-only source: tsc reads it but never copies it.
  copyFileSync(`${root}src/schema.d.ts`, `${dist}/schema.d.ts`);
  const manifest = JSON.parse(readFileSync(`${root}package.json`, "utf8"));
  writeFileSync(`${dist}/package.json`, `${JSON.stringify(publishedManifest(manifest), null, 2)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) build();
