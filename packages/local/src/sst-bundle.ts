/**
 * Builds a Lambda handler the way `sst deploy` does, so the cold-start benchmark and
 * tests/bundle.test.ts look at what would really run. Transcribed from SST's
 * pkg/runtime/node/build.go: esbuild, platform node, target esnext, main fields module then main,
 * keepNames, everything bundled (the AWS SDK included; only sharp and pg-native stay external),
 * SST's createRequire banner, and the `nodejs` options every function of ours sets
 * (infra/bundle.ts: ESM, minified, split into chunks).
 */
import { cpSync } from "node:fs";
import { join, relative } from "node:path";
import * as esbuild from "esbuild";
import { nodejsBundle } from "../../../infra/bundle";

/** The banner SST puts on every ESM function, so bundled CommonJS can `require` builtins. */
const SST_BANNER = [
  `import { createRequire as topLevelCreateRequire } from 'module';`,
  `const require = topLevelCreateRequire(import.meta.url);`,
  `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
  `const __filename = topLevelFileUrlToPath(import.meta.url)`,
  `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
].join("\n");

export const sstBuildOptions = (entry: string, outdir: string, repoRoot: string): esbuild.BuildOptions => ({
  entryPoints: [entry],
  bundle: true,
  platform: "node",
  format: nodejsBundle.format,
  target: "esnext",
  mainFields: ["module", "main"],
  keepNames: true,
  minify: nodejsBundle.minify,
  sourcemap: false,
  metafile: true,
  external: ["sharp", "pg-native"],
  banner: { js: SST_BANNER },
  // With splitting SST writes to the handler's directory instead of one file, as .mjs.
  splitting: nodejsBundle.splitting,
  outdir,
  outExtension: { ".js": ".mjs" },
  absWorkingDir: repoRoot,
  logLevel: "silent",
});

export interface FunctionBundle {
  /** The entry chunk, the file Lambda imports. */
  entry: string;
  metafile: esbuild.Metafile;
  /** Output files loaded by importing the entry: it and every chunk it imports statically. */
  loadedAtImport: string[];
  bytesAtImport: number;
  bytesInAll: number;
}

/** SST's `copyFiles`: `from` relative to the repository, `to` (default `from`) relative to the package root. */
export interface CopyFile {
  from: string;
  to?: string;
}

export async function bundleFunction(entry: string, outdir: string, repoRoot: string, copyFiles: CopyFile[] = []): Promise<FunctionBundle> {
  const { metafile } = await esbuild.build(sstBuildOptions(entry, outdir, repoRoot));
  for (const { from, to = from } of copyFiles) cpSync(join(repoRoot, from), join(outdir, to));
  const outputs = metafile!.outputs;
  // Dynamically imported modules are entry points of their own chunks; the handler's is the one built from `entry`.
  const entryOutput = Object.keys(outputs).find((file) => outputs[file]!.entryPoint === relative(repoRoot, entry))!;
  const loadedAtImport = staticallyLoaded(metafile!, entryOutput);
  return {
    entry: join(repoRoot, entryOutput),
    metafile: metafile!,
    loadedAtImport,
    bytesAtImport: loadedAtImport.reduce((sum, file) => sum + outputs[file]!.bytes, 0),
    bytesInAll: Object.entries(outputs).reduce((sum, [file, output]) => sum + (file.endsWith(".mjs") ? output.bytes : 0), 0),
  };
}

/** Output files loaded by importing `output`: it and every chunk it imports statically, transitively. */
function staticallyLoaded(metafile: esbuild.Metafile, output: string): string[] {
  const loaded = new Set([output]);
  for (const file of loaded) {
    for (const imported of metafile.outputs[file]!.imports) {
      if (imported.kind === "import-statement" && metafile.outputs[imported.path]) loaded.add(imported.path);
    }
  }
  return [...loaded];
}

/** `node_modules/<pkg>` (or `@scope/pkg`) of a metafile input; project files keep their path. */
export function packageOf(input: string): string {
  const at = input.lastIndexOf("node_modules/");
  if (at < 0) return input;
  const parts = input.slice(at + "node_modules/".length).split("/");
  return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** The source files whose code is in the chunks an import of the entry loads. */
export function inputsLoadedAtImport(bundle: FunctionBundle): string[] {
  return bundle.loadedAtImport.flatMap((file) => Object.keys(bundle.metafile.outputs[file]!.inputs));
}
