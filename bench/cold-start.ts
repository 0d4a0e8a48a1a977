// Cold start: what importing each Lambda bundle costs, and what a first request costs, against a floor.
//   npx tsx bench/cold-start.ts [--runs 20]
//
// Every `packages/functions/src/*.ts` that exports `handler` is built the way `sst deploy` builds
// it (packages/local/src/sst-bundle.ts, with infra/bundle.ts's options), plus the floor in
// bench/cold-start/floor.ts. Each is imported in fresh `node` processes, the bundles taking turns
// so that the machine's noise hits all of them; the import is also counted in instructions under
// callgrind, which no other load on the machine changes.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { httpApiEvent } from "@sonna/local/http-api-event";
import { bundleFunction, packageOf, type FunctionBundle } from "@sonna/local/sst-bundle";
import { benchData, emit, fixed, isMain, log, median, quantile, ratio, repoRoot, table, verdict, type Section } from "./lib/report";
import { startBenchStack } from "./lib/stack";

const TARGET_RATIO = 1.25;
/** A single callgrind count moves by a few percent (V8's background threads, GC timing): the median of three. */
const INSTRUCTION_RUNS = 3;
const outDir = join(benchData, "cold-start");
const functionsDir = join(repoRoot, "packages/functions/src");

/** Handlers SST could deploy: files directly in packages/functions/src that export `handler`, api first. */
export function handlerFiles(): string[] {
  return readdirSync(functionsDir)
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts"))
    .map((name) => join(functionsDir, name))
    .filter((file) => /export\s+(?:const|let|var|async\s+function|function)\s+handler\b|export\s*\{[^}]*\bhandler\b[^}]*\}/.test(readFileSync(file, "utf8")))
    .sort((a, b) => (basename(a) === "api.ts" ? -1 : basename(b) === "api.ts" ? 1 : a.localeCompare(b)));
}

interface Built {
  name: string;
  source: string;
  bundle: FunctionBundle;
}

/** Variables a deployed function has (region, credentials, linked resources); nothing is contacted on import. */
const importEnv: NodeJS.ProcessEnv = {
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

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return new Promise((done, fail) =>
    execFile(command, args, { env, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? fail(new Error(`${command} ${args.slice(-1)[0]?.slice(0, 80)} failed: ${stderr || error.message}`)) : done({ stdout, stderr }),
    ),
  );
}

/** Imports `file`, invokes its handler with BENCH_EVENT if set, and prints wall and CPU milliseconds. */
const coldScript = (file: string) =>
  `const c = process.cpuUsage(); const t = performance.now(); const { handler } = await import(${JSON.stringify(pathToFileURL(file).href)}); ` +
  `const r = process.env.BENCH_EVENT ? await handler(JSON.parse(process.env.BENCH_EVENT)) : undefined; ` +
  `const wall = performance.now() - t; const u = process.cpuUsage(c); ` +
  `console.log(JSON.stringify({ wall, cpu: (u.user + u.system) / 1000, status: r?.statusCode }));`;

/**
 * One cold start of `file` in a fresh process: the import, then (with `event`) one invocation of
 * its handler. Wall and CPU milliseconds (CPU does not grow while the process waits for a core).
 */
async function coldRun(file: string, event?: unknown, env: NodeJS.ProcessEnv = importEnv): Promise<{ wall: number; cpu: number; status?: number }> {
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", coldScript(file)], {
    ...env,
    ...(event ? { BENCH_EVENT: JSON.stringify(event) } : {}),
  });
  return JSON.parse(stdout.trim().split("\n").pop()!) as { wall: number; cpu: number; status?: number };
}

/** Every case `runs` times, in turns, after one discarded warm-up each (file cache). */
async function interleaved<T>(cases: T[], runs: number, once: (c: T) => Promise<{ wall: number; cpu: number }>) {
  for (const c of cases) await once(c);
  const wall = cases.map(() => [] as number[]);
  const cpu = cases.map(() => [] as number[]);
  for (let r = 0; r < runs; r++) {
    for (const [i, c] of cases.entries()) {
      const sample = await once(c);
      wall[i]!.push(sample.wall);
      cpu[i]!.push(sample.cpu);
    }
  }
  return { wall, cpu };
}

/**
 * Instructions a fresh process executes importing `file` (and, with `event`, invoking its handler
 * once), counted by callgrind; undefined without valgrind.
 */
async function instructions(file: string, event?: unknown, env: NodeJS.ProcessEnv = importEnv): Promise<number | undefined> {
  try {
    const { stderr } = await run(
      "valgrind",
      ["--tool=callgrind", "--callgrind-out-file=/dev/null", process.execPath, "--input-type=module", "-e", coldScript(file)],
      { ...env, ...(event ? { BENCH_EVENT: JSON.stringify(event) } : {}) },
    );
    const match = /Collected : (\d+)/.exec(stderr);
    return match ? Number(match[1]) : undefined;
  } catch (error) {
    log(`cold start: no instruction count (${(error as Error).message.split("\n")[0]})`);
    return undefined;
  }
}

/** Bytes an import loads, by package, beyond what the floor's import loads. */
function loadedBeyondFloor(api: FunctionBundle, floor: FunctionBundle): [string, number][] {
  const byPackage = (bundle: FunctionBundle) => {
    const totals = new Map<string, number>();
    for (const file of bundle.loadedAtImport) {
      for (const [input, { bytesInOutput }] of Object.entries(bundle.metafile.outputs[file]!.inputs)) {
        const owner = input.includes("node_modules/") ? packageOf(input) : "our code (packages/*)";
        totals.set(owner, (totals.get(owner) ?? 0) + bytesInOutput);
      }
    }
    return totals;
  };
  const ours = byPackage(api);
  const theirs = byPackage(floor);
  return [...ours]
    .map(([pkg, bytes]) => [pkg, bytes - (theirs.get(pkg) ?? 0)] as [string, number])
    .filter(([, bytes]) => bytes >= 512)
    .sort((a, b) => b[1] - a[1]);
}

interface FirstRequest {
  name: string;
  file: string;
  event: unknown;
}

/** A tenant with a profile and a completed generation, for first requests that find real data. */
async function seedForFirstRequests(secret: string) {
  const [{ createProfile }, { createGeneration }, { completeGeneration }, { signLocalToken }, { upload }] = await Promise.all([
    import("@sonna/core/profiles/service"),
    import("@sonna/core/generations/create"),
    import("@sonna/core/generations/lifecycle"),
    import("@sonna/local/tokens"),
    import("./lib/seed"),
  ]);
  const tenant = `cold-${Date.now()}`;
  const profile = await createProfile(tenant, { name: "Narrator" });
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    const created = await createGeneration(tenant, { profile_id: profile.id, text: `Cold start clip number ${i}` });
    await upload(created.upload.url);
    await completeGeneration(tenant, created.generation.id);
    ids.push(created.generation.id);
  }
  return { token: await signLocalToken(secret, tenant, { expiresIn: "2h" }), profileId: profile.id, generationId: ids[0]! };
}

export async function coldStart(runs = Number(process.env.BENCH_COLD_RUNS ?? 20)): Promise<Section> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const command = "npx tsx bench/cold-start.ts";

  const sources = [join(repoRoot, "bench/cold-start/floor.ts"), ...handlerFiles()];
  log(`cold start: building ${sources.map((file) => basename(file)).join(", ")}`);
  const built: Built[] = [];
  for (const source of sources) {
    const name = basename(source, ".ts");
    built.push({ name, source, bundle: await bundleFunction(source, join(outDir, name), repoRoot) });
  }
  const [floor, api] = built as [Built, Built, ...Built[]];
  for (const b of built) writeFileSync(join(outDir, `${b.name}.meta.json`), JSON.stringify(b.bundle.metafile));

  log(`cold start: ${runs} interleaved imports of ${built.length} bundles`);
  const imports = await interleaved(built, runs, (b) => coldRun(b.bundle.entry));
  const cpuMedian = (i: number) => median(imports.cpu[i]!);
  const wallMedian = (i: number) => median(imports.wall[i]!);

  log(`cold start: instructions under callgrind (a bare import, then each bundle), ${INSTRUCTION_RUNS} runs in turns`);
  const emptyModule = join(outDir, "empty.mjs");
  writeFileSync(emptyModule, "export const handler = () => undefined;\n");
  const counting = [emptyModule, ...built.map((b) => b.bundle.entry)];
  const counted = counting.map(() => [] as number[]);
  for (let r = 0; r < INSTRUCTION_RUNS && !counted.some((runs) => runs.includes(Number.NaN)); r++) {
    for (const [i, file] of counting.entries()) counted[i]!.push((await instructions(file)) ?? Number.NaN);
  }
  const [baseline, ...totals] = counted.map((runs) => median(runs));
  const importInstructions = totals.map((total) => total! - baseline!);

  log("cold start: first requests against DynamoDB Local and s3rver");
  const stack = await startBenchStack("cold");
  let first: { cases: FirstRequest[]; wall: number[][]; cpu: number[][]; statuses: Set<number>[]; instructions: number[] };
  try {
    const seeded = await seedForFirstRequests(stack.secret);
    const auth = { token: seeded.token };
    const cases: FirstRequest[] = [
      { name: "floor: `GET /item/{pk}` (one GetItem)", file: floor.bundle.entry, event: httpApiEvent("GET", "/item/bench") },
      { name: "api: `GET /history/stats`", file: api.bundle.entry, event: httpApiEvent("GET", "/history/stats", auth) },
      { name: "api: `GET /history?limit=50`", file: api.bundle.entry, event: httpApiEvent("GET", "/history?limit=50", auth) },
      { name: "api: `GET /history/{id}` (presigns the audio: loads S3)", file: api.bundle.entry, event: httpApiEvent("GET", `/history/${seeded.generationId}`, auth) },
      {
        name: "api: `POST /history` (presigns the upload: loads S3)",
        file: api.bundle.entry,
        event: httpApiEvent("POST", "/history", { ...auth, json: { profile_id: seeded.profileId, text: "A clip made on a cold start" } }),
      },
    ];
    const statuses = cases.map(() => new Set<number>());
    const samples = await interleaved(cases.map((c, i) => ({ ...c, i })), Math.max(5, Math.round(runs / 2)), async (c) => {
      const sample = await coldRun(c.file, c.event, { ...importEnv, ...stack.env });
      statuses[c.i]!.add(sample.status ?? 0);
      return sample;
    });
    log(`cold start: first requests' instructions under callgrind, ${INSTRUCTION_RUNS} runs in turns`);
    const counts = cases.map(() => [] as number[]);
    for (let r = 0; r < (Number.isFinite(baseline) ? INSTRUCTION_RUNS : 0); r++) {
      for (const [i, c] of cases.entries()) counts[i]!.push((await instructions(c.file, c.event, { ...importEnv, ...stack.env })) ?? Number.NaN);
    }
    const instructionsMedian = counts.map((runs) => (runs.length ? median(runs) - baseline! : Number.NaN));
    first = { cases, ...samples, statuses, instructions: instructionsMedian };
  } finally {
    await stack.stop();
  }
  const firstCpu = (i: number) => median(first.cpu[i]!);

  const apiIndex = 1;
  const apiCpuRatio = cpuMedian(apiIndex) / cpuMedian(0);
  const apiInstrRatio = importInstructions[apiIndex]! / importInstructions[0]!;
  const pass = apiCpuRatio <= TARGET_RATIO;
  const beyond = loadedBeyondFloor(api.bundle, floor.bundle);

  const markdown = [
    `## Cold start: importing the Lambda bundles, and a first request`,
    "",
    `Handlers found (files in \`packages/functions/src\` exporting \`handler\`): ${built.slice(1).map((b) => `\`${relative(repoRoot, b.source)}\``).join(", ")}. ` +
      `Each is built as \`sst deploy\` builds a Node function (\`packages/local/src/sst-bundle.ts\`, transcribed from SST's ` +
      "`pkg/runtime/node/build.go`): esbuild, ESM, `platform: \"node\"`, `target: \"esnext\"`, `mainFields: [\"module\",\"main\"]`, " +
      "`keepNames`, minified, SST's `createRequire` banner, **the AWS SDK bundled**, and `splitting: true` from `infra/bundle.ts`, " +
      "which every function in `infra/` uses: a module imported with `import()` goes to a chunk of its own that loads the first time " +
      "a request needs it. The floor is `bench/cold-start/floor.ts`: a bare Hono app with `hono/aws-lambda`'s `handle` and a " +
      "DynamoDB document client created at module level (plus one route that reads an item, for the first-request table).",
    "",
    `Each bundle is imported in a fresh \`node --input-type=module -e\` process, timing \`await import(url)\` with \`performance.now()\` ` +
      `and \`process.cpuUsage()\`; ${runs} runs each, taking turns (floor, api, ..., floor, api, ...) after one discarded warm-up each. ` +
      `"Instructions" is what the import executes under \`valgrind --tool=callgrind\`, less a bare \`node\` importing an empty module: ` +
      `the median of ${INSTRUCTION_RUNS} counts taken in turns (one count moves by a few percent with V8's background threads and GC ` +
      `timing, but not with the rest of the machine's load). Bundles are in \`.bench-data/cold-start/\`.`,
    "",
    table(
      ["bundle", "KB loaded at import", "KB in all chunks", "wall median (ms)", "wall p90 (ms)", "CPU median (ms)", "CPU / floor", "instructions (M)", "instructions / floor"],
      built.map((b, i) => [
        b.name === "floor" ? "floor (bench/cold-start/floor.ts)" : `${b.name} (packages/functions/src/${b.name}.ts)`,
        fixed(b.bundle.bytesAtImport / 1024),
        fixed(b.bundle.bytesInAll / 1024),
        fixed(wallMedian(i)),
        fixed(quantile(imports.wall[i]!, 0.9)),
        fixed(cpuMedian(i)),
        ratio(cpuMedian(i), cpuMedian(0)),
        fixed(importInstructions[i]! / 1e6, 0),
        ratio(importInstructions[i]!, importInstructions[0]!),
      ]),
    ),
    "",
    `**Target:** API handler import within ${TARGET_RATIO}x of the floor. **Measured:** ${ratio(cpuMedian(apiIndex), cpuMedian(0))} in CPU ` +
      `(${fixed(cpuMedian(apiIndex))} ms vs ${fixed(cpuMedian(0))} ms; wall ${ratio(wallMedian(apiIndex), wallMedian(0))}), ` +
      `${Number.isFinite(apiInstrRatio) ? `${apiInstrRatio.toFixed(2)}x in instructions` : "instructions not counted"} → ${verdict(pass)}. ` +
      "The API's import holds its router and the DynamoDB client; each route group (its routes, validation, the token check) " +
      "loads with the first request under its prefix, so the first-request table below is where that cost shows " +
      "(docs/decisions.md).",
    "",
    `### What the API loads at import beyond the floor`,
    "",
    `Bytes of the chunks an import of the API entry loads (the entry and every chunk it imports statically), by package, less ` +
      `what the floor's import loads of the same package. The S3 SDK, the presigner, lib-storage, fflate and the SQS client are ` +
      `not here: they are in chunks loaded on first use (${fixed((api.bundle.bytesInAll - api.bundle.bytesAtImport) / 1024)} KB in all), ` +
      `and \`tests/bundle.test.ts\` fails if one of them comes back into the import.`,
    "",
    table(["package", "KB beyond the floor"], beyond.map(([pkg, bytes]) => [pkg === "our code (packages/*)" ? pkg : `\`${pkg}\``, fixed(bytes / 1024)])),
    "",
    `### A first request after a cold start`,
    "",
    `A fresh process imports the bundle and invokes its handler once with an HTTP API (payload 2.0) event, against DynamoDB Local ` +
      `and s3rver on loopback (a tenant with 20 completed generations); CPU from before the import to the answer, and ` +
      `instructions counted as above for the whole (import and request). ` +
      `${Math.max(5, Math.round(runs / 2))} runs each, in turns. This is what a user waits for on a cold start (less Lambda's own init), ` +
      `and where loading on first use shows: every API request here also loads its route group (validation, the token check), ` +
      `and the routes that need S3 load it.`,
    "",
    table(
      ["first request", "answered", "CPU median (ms)", "wall median (ms)", "CPU / floor", "instructions (M)", "instructions / floor"],
      first.cases.map((c, i) => [
        c.name,
        [...first.statuses[i]!].join(", "),
        fixed(firstCpu(i)),
        fixed(median(first.wall[i]!)),
        ratio(firstCpu(i), firstCpu(0)),
        fixed(first.instructions[i]! / 1e6, 0),
        ratio(first.instructions[i]!, first.instructions[0]!),
      ]),
    ),
    "",
    `Reproduce: \`${command}\` (set \`BENCH_COLD_RUNS\` to change the number of runs; valgrind is needed for the instruction counts).`,
  ].join("\n");

  return {
    title: "Cold start",
    markdown,
    targets: [
      {
        name: "Cold start: API import / floor (CPU)",
        measured:
          `${ratio(cpuMedian(apiIndex), cpuMedian(0))} (instructions ${Number.isFinite(apiInstrRatio) ? `${apiInstrRatio.toFixed(2)}x` : "n/a"}; ` +
          `import + first \`GET /history/stats\` ${ratio(firstCpu(1), firstCpu(0))} the floor's import + first GetItem, ` +
          `${ratio(first.instructions[1]!, first.instructions[0]!)} in instructions)`,
        target: `≤ ${TARGET_RATIO}x`,
        pass,
      },
    ],
  };
}

if (isMain(import.meta.url)) {
  const runsArg = process.argv.indexOf("--runs");
  emit(await coldStart(runsArg >= 0 ? Number(process.argv[runsArg + 1]) : undefined));
}
