// Cold start: how long Node takes to import each Lambda bundle, against a floor.
//   npx tsx bench/cold-start.ts [--runs 20]
//
// Every `packages/functions/src/*.ts` that exports `handler` is bundled the way SST (v3/v4,
// pkg/runtime/node/build.go) bundles a Node function for deploy, plus the floor in
// bench/cold-start/floor.ts. Each bundle is imported in a fresh `node` process, the bundles taking
// turns (floor, api, other, floor, api, other, ...) so that the machine's noise hits all of them.
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { benchData, emit, fixed, isMain, log, median, quantile, ratio, repoRoot, table, verdict, type Section } from "./lib/report";

const TARGET_RATIO = 1.25;
const outDir = join(benchData, "cold-start");
const functionsDir = join(repoRoot, "packages/functions/src");

/** The banner SST puts on every ESM function (build.go), so bundled CommonJS can `require` builtins. */
const SST_BANNER = [
  `import { createRequire as topLevelCreateRequire } from 'module';`,
  `const require = topLevelCreateRequire(import.meta.url);`,
  `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
  `const __filename = topLevelFileUrlToPath(import.meta.url)`,
  `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
].join("\n");

/**
 * SST's deploy build of a Node function with the `nodejs` defaults (format "esm", minify true,
 * sourcemap false, no `install`): everything is bundled, the AWS SDK v3 included; only SST's
 * forced externals (sharp, pg-native) stay out. Target is esnext as in SST (its default; Lambda
 * runs nodejs22.x per infra/api.ts).
 */
export const sstBuildOptions = (entry: string, outfile: string): esbuild.BuildOptions => ({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "esnext",
  mainFields: ["module", "main"],
  keepNames: true,
  minify: true,
  sourcemap: false,
  metafile: true,
  external: ["sharp", "pg-native"],
  banner: { js: SST_BANNER },
  absWorkingDir: repoRoot,
  logLevel: "silent",
});

interface Bundle {
  name: string;
  file: string;
  bytes: number;
  metafile: esbuild.Metafile;
}

/** Handlers SST could deploy: files directly in packages/functions/src that export `handler`. */
export function handlerFiles(): string[] {
  return readdirSync(functionsDir)
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts"))
    .map((name) => join(functionsDir, name))
    .filter((file) => {
      const source = readFileSync(file, "utf8");
      return (
        /export\s+(?:const|let|var|async\s+function|function)\s+handler\b/.test(source) ||
        /export\s*\{[^}]*\bhandler\b[^}]*\}/.test(source)
      );
    })
    .sort((a, b) => (basename(a) === "api.ts" ? -1 : basename(b) === "api.ts" ? 1 : a.localeCompare(b)));
}

async function bundle(name: string, entry: string, extra: Partial<esbuild.BuildOptions> = {}): Promise<Bundle> {
  const file = join(outDir, `${name}.mjs`);
  const result = await esbuild.build({ ...sstBuildOptions(entry, file), ...extra });
  return { name, file, bytes: statSync(file).size, metafile: result.metafile! };
}

/** Variables a deployed function has (region, credentials, linked resources); no endpoint is contacted on import. */
const childEnv: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "BENCH",
  AWS_SECRET_ACCESS_KEY: "BENCH",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  SST_RESOURCE_Table: JSON.stringify({ name: "bench-table" }),
  SST_RESOURCE_Bucket: JSON.stringify({ name: "bench-bucket" }),
  SONNA_JWT_SECRET: "bench-secret-bench-secret-bench-secret",
  NODE_ENV: "production",
};

/**
 * One import of `file` in a fresh process: wall milliseconds from `import()` start to the module
 * (and its whole graph) evaluated, and the CPU milliseconds the process used meanwhile (all
 * threads). CPU time does not grow while the process waits for a core, so it is the steadier of
 * the two on a busy machine.
 */
export function timeImport(file: string): Promise<{ wall: number; cpu: number }> {
  const script =
    `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); ` +
    `const wall = performance.now() - t; const u = process.cpuUsage(c); console.log(JSON.stringify({ wall, cpu: (u.user + u.system) / 1000 }));`;
  return new Promise((done, fail) => {
    execFile(process.execPath, ["--input-type=module", "-e", script], { env: childEnv, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) return fail(new Error(`import of ${file} failed: ${stderr || error.message}`));
      try {
        const value = JSON.parse(stdout.trim().split("\n").pop()!) as { wall: number; cpu: number };
        done(value);
      } catch {
        fail(new Error(`import of ${file} printed ${JSON.stringify(stdout)}`));
      }
    });
  });
}

interface Samples {
  wall: number[][];
  cpu: number[][];
}

/** Runs every bundle `runs` times, in turns, after one discarded warm-up each (file cache). */
async function interleaved(files: string[], runs: number): Promise<Samples> {
  for (const file of files) await timeImport(file);
  const samples: Samples = { wall: files.map(() => []), cpu: files.map(() => []) };
  for (let run = 0; run < runs; run++) {
    for (const [i, file] of files.entries()) {
      const { wall, cpu } = await timeImport(file);
      samples.wall[i]!.push(wall);
      samples.cpu[i]!.push(cpu);
    }
  }
  return samples;
}

/** node_modules/<pkg> (or node_modules/@scope/pkg) of a metafile input path; project files keep their path. */
export function packageOf(input: string): string {
  const at = input.lastIndexOf("node_modules/");
  if (at < 0) return input.startsWith("packages/") || input.startsWith("bench/") ? `(project) ${input.split("/").slice(0, 2).join("/")}` : input;
  const parts = input.slice(at + "node_modules/".length).split("/");
  return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** Which project files import each package directly (static imports are module-level by construction). */
function importersByPackage(meta: esbuild.Metafile): Map<string, { file: string; kind: string }[]> {
  const importers = new Map<string, { file: string; kind: string }[]>();
  const add = (pkg: string, file: string, kind: string) => {
    const list = importers.get(pkg) ?? [];
    if (!list.some((entry) => entry.file === file && entry.kind === kind)) list.push({ file, kind });
    importers.set(pkg, list);
  };
  for (const [file, input] of Object.entries(meta.inputs)) {
    if (file.includes("node_modules/")) continue;
    for (const imported of input.imports) if (imported.path.includes("node_modules/")) add(packageOf(imported.path), file, imported.kind);
  }
  // A directly imported package may also come in through another direct import (zod through @hono/zod-openapi).
  const direct = new Set(importers.keys());
  for (const [file, input] of Object.entries(meta.inputs)) {
    if (!file.includes("node_modules/")) continue;
    const from = packageOf(file);
    if (!direct.has(from)) continue;
    for (const imported of input.imports) {
      const pkg = packageOf(imported.path);
      if (imported.path.includes("node_modules/") && pkg !== from && direct.has(pkg)) add(pkg, from, "package");
    }
  }
  return importers;
}

const describeImporters = (list: { file: string; kind: string }[]) =>
  list
    .map((i) => (i.kind === "package" ? `via \`${i.file}\`` : `\`${i.file}\`${i.kind === "import-statement" ? "" : ` (${i.kind})`}`))
    .join(", ");

/**
 * Attributes every input of the bundle to the package a project file imports directly: a package
 * the project imports itself counts as its own; any other dependency counts under the direct
 * import that reaches it first (breadth-first from the entry).
 */
function bytesByDirectImport(meta: esbuild.Metafile, floor: esbuild.Metafile) {
  const inFloor = new Set(Object.keys(floor.inputs));
  const outputInputs = Object.values(meta.outputs)[0]!.inputs;
  const entry = Object.keys(meta.inputs).find((file) => !file.includes("node_modules/") && Object.values(meta.outputs)[0]!.entryPoint === file);
  // Packages a project file imports itself count as their own, however they were reached first.
  const direct = new Set(
    Object.entries(meta.inputs)
      .filter(([file]) => !file.includes("node_modules/"))
      .flatMap(([, input]) => input.imports.filter((i) => i.path.includes("node_modules/")).map((i) => packageOf(i.path))),
  );
  const root = new Map<string, string>();
  const queue: string[] = entry ? [entry] : [];
  const seen = new Set(queue);
  while (queue.length) {
    const file = queue.shift()!;
    for (const imported of meta.inputs[file]?.imports ?? []) {
      if (seen.has(imported.path) || !meta.inputs[imported.path]) continue;
      seen.add(imported.path);
      if (imported.path.includes("node_modules/")) {
        const pkg = packageOf(imported.path);
        root.set(imported.path, direct.has(pkg) ? pkg : (root.get(file) ?? pkg));
      }
      queue.push(imported.path);
    }
  }
  const totals = new Map<string, { bytes: number; beyondFloor: number }>();
  for (const [file, owner] of root) {
    const bytes = outputInputs[file]?.bytesInOutput ?? 0;
    const entryTotals = totals.get(owner) ?? { bytes: 0, beyondFloor: 0 };
    entryTotals.bytes += bytes;
    if (!inFloor.has(file)) entryTotals.beyondFloor += bytes;
    totals.set(owner, entryTotals);
  }
  return totals;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Leave-one-out: the API bundle with one package replaced by an inert stand-in, an ES module whose
 * every export is a Proxy that answers every property access, call and `new` with itself. Module-
 * level code still runs, but the package's own code is neither parsed nor evaluated, so the import
 * time saved is what that package costs the cold start, everything else staying.
 */
function stubPlugin(pkgs: string[]): esbuild.Plugin {
  const escaped = pkgs.map((pkg) => pkg.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
  const filter = new RegExp(`^(${escaped.join("|")})(/.*)?$`);
  return {
    name: "leave-one-out",
    setup(build) {
      build.onResolve({ filter }, (args) => ({ path: args.path, namespace: "stub", pluginData: { resolveDir: args.resolveDir } }));
      build.onLoad({ filter: /.*/, namespace: "stub" }, (args) => {
        let names: string[] = [];
        try {
          // The export names, from the package's CommonJS build (every package stubbed here has one).
          const real = createRequire(join((args.pluginData as { resolveDir: string }).resolveDir, "noop.js"))(args.path) as object;
          names = Object.keys(real).filter((name) => IDENTIFIER.test(name) && name !== "default");
        } catch {
          names = [];
        }
        const contents = [
          `const handler = { get: (t, k) => k === Symbol.toPrimitive ? () => "" : k === "prototype" ? {} : k === Symbol.iterator ? function* () {} : k === "then" ? undefined : p, apply: () => p, construct: () => p };`,
          `const p = new Proxy(function () {}, handler);`,
          `export default p;`,
          names.length ? `export { ${names.map((name) => `p as ${name}`).join(", ")} };` : "",
        ].join("\n");
        return { contents, loader: "js" };
      });
    },
  };
}

export async function coldStart(runs = Number(process.env.BENCH_COLD_RUNS ?? 20)): Promise<Section> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const command = "npx tsx bench/cold-start.ts";

  const handlers = handlerFiles();
  const api = handlers.find((file) => basename(file) === "api.ts");
  if (!api) throw new Error("packages/functions/src/api.ts (export handler) not found");
  log(`cold start: bundling floor + ${handlers.map((file) => basename(file)).join(", ")}`);
  const floor = await bundle("floor", join(repoRoot, "bench/cold-start/floor.ts"));
  const bundles = [floor];
  for (const file of handlers) bundles.push(await bundle(basename(file, ".ts"), file));
  for (const b of bundles) writeFileSync(`${b.file}.meta.json`, JSON.stringify(b.metafile));

  log(`cold start: ${runs} interleaved imports of ${bundles.length} bundles`);
  const all = await interleaved(bundles.map((b) => b.file), runs);
  const samples = all.wall;
  const floorMedian = median(samples[0]!);
  const floorCpu = median(all.cpu[0]!);
  const rows = bundles.map((b, i) => [
    b.name === "floor" ? "floor (bench/cold-start/floor.ts)" : `${b.name} (packages/functions/src/${b.name}.ts)`,
    fixed(b.bytes / 1024),
    fixed(median(samples[i]!)),
    fixed(quantile(samples[i]!, 0.9)),
    fixed(median(all.cpu[i]!)),
    ratio(median(samples[i]!), floorMedian),
    ratio(median(all.cpu[i]!), floorCpu),
  ]);
  const apiIndex = bundles.findIndex((b) => b.name === "api");
  const apiBundle = bundles[apiIndex]!;
  const apiMedian = median(samples[apiIndex]!);
  const apiCpu = median(all.cpu[apiIndex]!);
  const apiRatio = apiMedian / floorMedian;
  const pass = apiRatio <= TARGET_RATIO;

  // What the API bundle holds beyond the floor, by package.
  const importers = importersByPackage(apiBundle.metafile);
  const topInputs = Object.entries(Object.values(apiBundle.metafile.outputs)[0]!.inputs)
    .map(([input, { bytesInOutput }]) => ({ input, bytesInOutput }))
    .sort((a, b) => b.bytesInOutput - a.bytesInOutput)
    .slice(0, 12);

  // Leave-one-out timings for the direct imports that bring the most beyond the floor.
  const direct = [...bytesByDirectImport(apiBundle.metafile, floor.metafile)]
    .map(([pkg, sizes]) => ({ pkg, ...sizes }))
    .sort((a, b) => b.beyondFloor - a.beyondFloor);
  const candidates = direct.filter((d) => d.beyondFloor >= 8 * 1024).slice(0, 8);
  const looRuns = Math.max(5, Math.round(runs / 3));
  const loo: { pkg: string; pkgs: string[]; bytes: number; file?: string; error?: string }[] = [];
  const variants = candidates.map((c) => [c.pkg]);
  if (candidates.length > 1) variants.push(candidates.map((c) => c.pkg));
  for (const pkgs of variants) {
    const pkg = pkgs.length === 1 ? pkgs[0]! : "all of the above";
    try {
      const b = await bundle(`api-without-${pkgs.length === 1 ? pkg.replace(/[@/]/g, "_") : "all"}`, api, { plugins: [stubPlugin(pkgs)] });
      await timeImport(b.file); // fails fast if the stand-in breaks module init
      loo.push({ pkg, pkgs, bytes: b.bytes, file: b.file });
    } catch (error) {
      const message = (error as Error).message;
      loo.push({ pkg, pkgs, bytes: Number.NaN, error: /\b\w*Error: [^\n]*/.exec(message)?.[0]?.slice(0, 120) ?? "import failed" });
    }
  }
  const looFiles = loo.filter((l) => l.file).map((l) => l.file!);
  log(`cold start: leave-one-out, ${looRuns} interleaved imports of ${looFiles.length + 2} bundles`);
  const looSamples = looFiles.length ? await interleaved([floor.file, apiBundle.file, ...looFiles], looRuns) : undefined;
  // CPU time, not wall time: on a shared machine the differences between variants drown in wall-clock noise.
  const looApiCpu = looSamples ? median(looSamples.cpu[1]!) : Number.NaN;
  const looFloorCpu = looSamples ? median(looSamples.cpu[0]!) : Number.NaN;
  const looRows = loo.map((l) => {
    const index = looFiles.indexOf(l.file ?? "");
    const without = index >= 0 && looSamples ? median(looSamples.cpu[index + 2]!) : Number.NaN;
    const beyondFloor = l.pkgs.reduce((sum, pkg) => sum + (direct.find((x) => x.pkg === pkg)?.beyondFloor ?? 0), 0);
    const who = describeImporters(l.pkgs.length === 1 ? (importers.get(l.pkg) ?? []) : []);
    return {
      combined: l.pkgs.length > 1,
      saved: looApiCpu - without,
      row: [
        l.pkgs.length === 1 ? `\`${l.pkg}\`` : `${l.pkg} (${l.pkgs.map((pkg) => `\`${pkg}\``).join(" + ")})`,
        fixed(beyondFloor / 1024),
        l.error ? `n/a (${l.error})` : fixed(without),
        l.error ? "n/a" : fixed(looApiCpu - without),
        l.error ? "n/a" : ratio(without, looFloorCpu),
        fixed((apiBundle.bytes - l.bytes) / 1024),
        who,
      ],
    };
  });
  looRows.sort((a, b) =>
    a.combined !== b.combined ? Number(a.combined) - Number(b.combined) : (Number.isFinite(b.saved) ? b.saved : -1) - (Number.isFinite(a.saved) ? a.saved : -1),
  );

  const handlerList = handlers.map((file) => `\`${relative(repoRoot, file)}\``).join(", ");
  const markdown = [
    `## Cold start: import time of the Lambda bundles`,
    "",
    `Handlers found (files in \`packages/functions/src\` exporting \`handler\`): ${handlerList}. ` +
      `Each is bundled as SST v4 bundles a Node function for deploy (\`pkg/runtime/node/build.go\` with the \`nodejs\` defaults): ` +
      "esbuild, `format: \"esm\"`, `platform: \"node\"`, `target: \"esnext\"` (SST's default; we deploy on `nodejs22.x`), " +
      '`mainFields: ["module","main"]`, `keepNames`, `minify: true`, no sourcemap, SST\'s `createRequire` / `__dirname` banner, ' +
      "and **the AWS SDK v3 bundled** (SST only leaves `sharp` and `pg-native` external, and packages listed in `nodejs.install`, " +
      "which `infra/api.ts` does not use). The floor is `bench/cold-start/floor.ts`: a bare Hono app with `hono/aws-lambda`'s " +
      "`handle` and a DynamoDB document client created at module level.",
    "",
    `Each bundle is imported in a fresh \`node --input-type=module -e\` process, timing \`await import(url)\` with \`performance.now()\`; ` +
      `${runs} runs each, taking turns (floor, api, ... , floor, api, ...) after one discarded warm-up each. Bundles are in \`.bench-data/cold-start/\`.`,
    "",
    table(["bundle", "size (KB)", "median (ms)", "p90 (ms)", "CPU median (ms)", "median / floor", "CPU median / floor"], rows),
    "",
    `**Target:** API handler import within ${TARGET_RATIO}x of the floor. **Measured:** ${ratio(apiMedian, floorMedian)} ` +
      `(${fixed(apiMedian)} ms vs ${fixed(floorMedian)} ms) → ${verdict(pass)}. ` +
      `In CPU time, which waiting for a core does not inflate: ${ratio(apiCpu, floorCpu)} (${fixed(apiCpu)} ms vs ${fixed(floorCpu)} ms).`,
    "",
    `### What the API bundle holds beyond the floor`,
    "",
    `Output bytes (esbuild metafile, \`bytesInOutput\`) of every package the project imports directly, with the dependencies it ` +
      `brings in (each input counted under the direct import that reaches it first), beyond what the floor bundle already has; ` +
      `every one of these is a static, module-level import, so all of it is parsed and evaluated on every cold start:`,
    "",
    table(
      ["direct import", "KB in api bundle", "KB beyond floor", "imported by"],
      direct
        .filter((d) => d.bytes >= 2 * 1024)
        .slice(0, 16)
        .map((d) => [
          `\`${d.pkg}\``,
          fixed(d.bytes / 1024),
          fixed(d.beyondFloor / 1024),
          describeImporters(importers.get(d.pkg) ?? []),
        ]),
    ),
    "",
    `Largest single inputs of the API bundle:`,
    "",
    table(
      ["input", "KB"],
      topInputs.map((t) => [`\`${t.input.replace(/^.*node_modules\//, "node_modules/")}\``, fixed(t.bytesInOutput / 1024)]),
    ),
    "",
    `### Which imports cost the time (leave-one-out)`,
    "",
    `The API bundle rebuilt with one package replaced by an inert stand-in (a Proxy that answers every access, call and \`new\` ` +
      `with itself, so module-level code still runs but the package is never parsed or evaluated). ` +
      `${looRuns} interleaved runs each, with the floor and the full API bundle in the same rotation; figures are medians of ` +
      `the import's CPU time (all threads), which other work on the machine does not inflate the way it inflates wall time ` +
      `(here: floor ${fixed(looFloorCpu)} ms, full API ${fixed(looApiCpu)} ms of CPU). ` +
      `"Saved" is what the package costs the API cold start; savings overlap where packages share code, so they do not add up exactly.`,
    "",
    table(["package replaced", "KB it brings beyond floor", "API without it: CPU median (ms)", "CPU saved (ms)", "without it / floor (CPU)", "bundle KB saved", "imported at module level by"], looRows.map((r) => r.row)),
    "",
    `Reproduce: \`${command}\` (set \`BENCH_COLD_RUNS\` to change the number of runs).`,
  ].join("\n");

  return {
    title: "Cold start",
    markdown,
    targets: [{ name: "Cold start: API import / floor", measured: ratio(apiMedian, floorMedian), target: `≤ ${TARGET_RATIO}x`, pass }],
  };
}

if (isMain(import.meta.url)) {
  const runsArg = process.argv.indexOf("--runs");
  emit(await coldStart(runsArg >= 0 ? Number(process.argv[runsArg + 1]) : undefined));
}
