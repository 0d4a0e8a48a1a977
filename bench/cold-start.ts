// Cold start, measured where users wait: each route's first request in a fresh process, against a
// floor that makes the same AWS calls; and what importing each Lambda bundle costs.
//   npx tsx bench/cold-start.ts [--runs 20]
//
// Every `packages/functions/src/*.ts` that exports `handler`, and every floor in
// bench/cold-start/floors/, is built the way `sst deploy` builds it (packages/local/src/sst-bundle.ts,
// with infra/bundle.ts's options). Each is run in fresh `node` processes, taking turns so that the
// machine's noise hits all of them, and counted in instructions under callgrind, which no other
// load on the machine changes.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { eachInParallel } from "@sonna/core/parallel";
import { httpApiEvent, tokenClaims } from "@sonna/local/http-api-event";
import { bundleFunction, packageOf, type FunctionBundle } from "@sonna/local/sst-bundle";
import { benchData, emit, fixed, isMain, log, median, quantile, ratio, repoRoot, table, verdict, type Section } from "./lib/report";
import { recordAwsCalls, type AwsCall, type CallRecorder } from "./cold-start/aws-calls";
import { startBenchStack } from "./lib/stack";

const TARGET_RATIO = 1.25;
/** A single callgrind count moves by a few percent (V8's background threads, GC timing): the median of three. */
const INSTRUCTION_RUNS = 3;
/** Counts do not depend on the machine's load, so two run at once: the section takes half the wait on two cores. */
const COUNTING_WIDTH = 2;
const outDir = join(benchData, "cold-start");
const functionsDir = join(repoRoot, "packages/functions/src");
const floorsDir = join(repoRoot, "bench/cold-start/floors");

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

/** Says how much of each route's extra instructions the API's import alone accounts for. */
function whereTheExtraGoes(rows: { route: Route; app: Side; floor: Side }[], importExtra: number): string {
  const extras = rows.map((row) => median(row.app.instructions) - median(row.floor.instructions));
  const m = (n: number) => `${fixed(n / 1e6, 0)} M`;
  return (
    `**Where the extra goes.** Importing the API costs ${m(importExtra)} instructions more than importing the ` +
    `${rows[0]!.route.name} floor; each first request costs ${m(Math.min(...extras))} to ${m(Math.max(...extras))} more than ` +
    `its floor's. What the import loads beyond the floor is listed below by package.`
  );
}

/**
 * Instructions a fresh process executes importing `file` (and, with `event`, invoking its handler
 * once, whose status comes back too), counted by callgrind; no count without valgrind.
 */
async function instructions(file: string, event?: unknown, env: NodeJS.ProcessEnv = importEnv): Promise<{ count?: number; status?: number }> {
  try {
    const { stdout, stderr } = await run(
      "valgrind",
      ["--tool=callgrind", "--callgrind-out-file=/dev/null", process.execPath, "--input-type=module", "-e", coldScript(file)],
      { ...env, ...(event ? { BENCH_EVENT: JSON.stringify(event) } : {}) },
    );
    const match = /Collected : (\d+)/.exec(stderr);
    const { status } = JSON.parse(stdout.trim().split("\n").pop()!) as { status?: number };
    return { ...(match ? { count: Number(match[1]) } : {}), ...(status === undefined ? {} : { status }) };
  } catch (error) {
    log(`cold start: no instruction count (${(error as Error).message.split("\n")[0]})`);
    return {};
  }
}

/**
 * Each case's instruction counts over INSTRUCTION_RUNS rounds, the cases taking turns within a
 * round; [NaN] for every case once one count fails (no valgrind).
 */
async function countInTurns<T>(cases: T[], count: (c: T) => Promise<number | undefined>): Promise<number[][]> {
  const counts = cases.map(() => [] as number[]);
  for (let r = 0; r < INSTRUCTION_RUNS; r++) {
    await eachInParallel(cases, COUNTING_WIDTH, async (c, i) => void counts[i]!.push((await count(c)) ?? Number.NaN));
    if (counts.some((runs) => runs.includes(Number.NaN))) return cases.map(() => [Number.NaN]);
  }
  return counts;
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

/** The data first requests find: a tenant to read, and one whose pending generations have their WAV uploaded. */
interface FirstRequestData {
  reader: { auth: EventAuth; generationId: string };
  writer: { auth: EventAuth; profileId: string; nextPending: () => string };
}

/** Both ways a request can say who it is: the bearer token, and the claims a JWT authorizer puts in the event. */
type EventAuth = { token: string; claims: Record<string, unknown> };

/** A first request the target covers, and the floor (bench/cold-start/floors/<floor>.ts) it is held to. */
interface Route {
  name: string;
  floor: string;
  event: (data: FirstRequestData) => unknown;
}

/** Every generation the writes make or complete has this text, so the same reads answer the same bytes. */
const CLIP_TEXT = "A clip made on a cold start";

const ROUTES: Route[] = [
  { name: "`GET /history/stats`", floor: "stats", event: ({ reader }) => httpApiEvent("GET", "/history/stats", reader.auth) },
  { name: "`GET /history?limit=50`", floor: "list", event: ({ reader }) => httpApiEvent("GET", "/history?limit=50", reader.auth) },
  { name: "`GET /history/{id}`", floor: "detail", event: ({ reader }) => httpApiEvent("GET", `/history/${reader.generationId}`, reader.auth) },
  {
    name: "`POST /history`",
    floor: "create",
    event: ({ writer }) => httpApiEvent("POST", "/history", { ...writer.auth, json: { profile_id: writer.profileId, text: CLIP_TEXT } }),
  },
  {
    name: "`POST /history/{id}/complete`",
    floor: "complete",
    event: ({ writer }) => httpApiEvent("POST", `/history/${writer.nextPending()}/complete`, writer.auth),
  },
];

/**
 * A reading tenant with 20 completed generations of one profile, and a writing tenant with one
 * profile and `pending` generations whose WAV is uploaded: every completion, the API's or a
 * floor's, takes one of its own, so each finds the same state.
 */
async function seedForFirstRequests(secret: string, pending: number): Promise<FirstRequestData> {
  const [{ createProfile }, { createGeneration }, { signLocalToken }, { pool, seedTenant, upload }] = await Promise.all([
    import("@sonna/core/profiles/service"),
    import("@sonna/core/generations/create"),
    import("@sonna/local/tokens"),
    import("./lib/seed"),
  ]);
  const auth = async (tenant: string): Promise<EventAuth> => {
    const token = await signLocalToken(secret, tenant, { expiresIn: "2h" });
    return { token, claims: tokenClaims(token) };
  };
  const reader = `cold-read-${Date.now()}`;
  const read = await seedTenant(reader, { generations: 20, profiles: 1, completeEvery: 1 });
  const writer = `cold-write-${Date.now()}`;
  const { id: profileId } = await createProfile(writer, { name: "Narrator" });
  const ids = await pool(pending, 8, async () => {
    const created = await createGeneration(writer, { profile_id: profileId, text: CLIP_TEXT });
    await upload(created.upload.url);
    return created.generation.id;
  });
  return {
    reader: { auth: await auth(reader), generationId: read.completed[0]! },
    writer: {
      auth: await auth(writer),
      profileId,
      nextPending: () => {
        const id = ids.pop();
        if (!id) throw new Error("cold start: no pending generation left to complete; seed more");
        return id;
      },
    },
  };
}

/** One side of a first-request comparison: a bundle, and what its runs measured. */
interface Side {
  file: string;
  cpu: number[];
  statuses: Set<number>;
  /** The AWS calls of each run (the warm-up's too), as the proxies saw them. */
  calls: AwsCall[][];
  /** Each count less the bare import's. */
  instructions: number[];
}

/** A run's calls in a comparable form: the same operations with answers of the same status and size, whatever order parallel calls arrived in. */
const callSignature = (calls: AwsCall[]) =>
  calls
    .map((call) => `${call.name} ${call.status} ${call.bytes}`)
    .sort()
    .join(", ");
const sameCalls = (a: Side, b: Side) => new Set([...a.calls, ...b.calls].map(callSignature)).size === 1;
const answered = (side: Side) => [...side.statuses].every((status) => status >= 200 && status < 300);
/** The median count in millions, and the range it was taken from. */
const millions = (counts: number[]) => `${fixed(median(counts) / 1e6, 0)} (${fixed(Math.min(...counts) / 1e6, 0)}-${fixed(Math.max(...counts) / 1e6, 0)})`;
const size = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${fixed(bytes / 1024)} KB`);
const describeCalls = (calls: AwsCall[]) => calls.map((call) => `${call.name}${call.status >= 300 ? ` → ${call.status}` : ""} (${size(call.bytes)})`).join("; ");

export async function coldStart(runs = Number(process.env.BENCH_COLD_RUNS ?? 20)): Promise<Section> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const command = "npx tsx bench/cold-start.ts";
  const firstRuns = Math.max(5, Math.round(runs / 2));

  const build = async (source: string, name: string): Promise<Built> => {
    const bundle = await bundleFunction(source, join(outDir, name), repoRoot);
    writeFileSync(join(outDir, `${name}.meta.json`), JSON.stringify(bundle.metafile));
    return { name, source, bundle };
  };
  log(`cold start: building the handlers and the floors (${ROUTES.map((r) => r.floor).join(", ")})`);
  const handlers: Built[] = [];
  for (const source of handlerFiles()) handlers.push(await build(source, basename(source, ".ts")));
  const floors = new Map<string, Built>();
  for (const { floor } of ROUTES) floors.set(floor, await build(join(floorsDir, `${floor}.ts`), `floor-${floor}`));
  const api = handlers[0]!;
  // The import table's reference: a floor that needs only DynamoDB, as most routes do.
  const importFloor = floors.get(ROUTES[0]!.floor)!;
  const imported = [importFloor, ...handlers];

  log(`cold start: ${runs} interleaved imports of ${imported.length} bundles`);
  const imports = await interleaved(imported, runs, (b) => coldRun(b.bundle.entry));
  const cpuMedian = (i: number) => median(imports.cpu[i]!);
  const wallMedian = (i: number) => median(imports.wall[i]!);

  log(`cold start: instructions under callgrind (a bare import, then each bundle), ${INSTRUCTION_RUNS} runs in turns`);
  const emptyModule = join(outDir, "empty.mjs");
  writeFileSync(emptyModule, "export const handler = () => undefined;\n");
  const [baseline, ...totals] = (await countInTurns([emptyModule, ...imported.map((b) => b.bundle.entry)], async (file) => (await instructions(file)).count)).map(median);
  const importInstructions = totals.map((total) => total! - baseline!);

  log("cold start: first requests against DynamoDB Local and s3rver");
  const stack = await startBenchStack("cold");
  const first: { route: Route; app: Side; floor: Side }[] = [];
  let recorder: CallRecorder | undefined;
  try {
    // Each side completes one pending generation per run: the warm-up, the timed runs, the counted ones.
    const data = await seedForFirstRequests(stack.secret, 2 * (1 + firstRuns + INSTRUCTION_RUNS));
    const calls = (recorder = await recordAwsCalls(stack.env as { SONNA_DYNAMODB_ENDPOINT: string; SONNA_S3_ENDPOINT: string }));
    const env = { ...importEnv, ...stack.env, ...calls.env };
    const side = (file: string): Side => ({ file, cpu: [], statuses: new Set(), calls: [], instructions: [] });
    for (const route of ROUTES) first.push({ route, app: side(api.bundle.entry), floor: side(floors.get(route.floor)!.bundle.entry) });
    const sides = first.flatMap(({ route, app, floor }) => [
      { route, side: app },
      { route, side: floor },
    ]);
    const samples = await interleaved(sides, firstRuns, async ({ route, side }) => {
      calls.take();
      const sample = await coldRun(side.file, route.event(data), env);
      side.statuses.add(sample.status ?? 0);
      side.calls.push(calls.take());
      return sample;
    });
    for (const [i, { side }] of sides.entries()) side.cpu = samples.cpu[i]!;
    log(`cold start: first requests' instructions under callgrind, ${INSTRUCTION_RUNS} runs in turns`);
    const counts = Number.isFinite(baseline)
      ? await countInTurns(sides, async ({ route, side }) => {
          const { count, status } = await instructions(side.file, route.event(data), env);
          side.statuses.add(status ?? 0);
          return count;
        })
      : [];
    for (const [i, { side }] of sides.entries()) side.instructions = (counts[i] ?? [Number.NaN]).map((count) => count - baseline!);
  } finally {
    await recorder?.stop();
    await stack.stop();
  }

  const rows = first.map(({ route, app, floor }) => {
    const honest = sameCalls(app, floor) && answered(app) && answered(floor);
    return { route, app, floor, honest, pass: honest && median(app.instructions) / median(floor.instructions) <= TARGET_RATIO };
  });
  const beyond = loadedBeyondFloor(api.bundle, importFloor.bundle);
  const floorFile = (floor: string) => `\`bench/cold-start/floors/${floor}.ts\``;

  const markdown = [
    `## Cold start: a first request against a floor that makes the same AWS calls, and importing the bundles`,
    "",
    `Every Lambda handler (files in \`packages/functions/src\` exporting \`handler\`: ${handlers.map((b) => `\`${relative(repoRoot, b.source)}\``).join(", ")}) ` +
      `and every floor is built as \`sst deploy\` builds a Node function (\`packages/local/src/sst-bundle.ts\`, transcribed from SST's ` +
      "`pkg/runtime/node/build.go`): esbuild, ESM, `platform: \"node\"`, `target: \"esnext\"`, `mainFields: [\"module\",\"main\"]`, " +
      "`keepNames`, minified, SST's `createRequire` banner, **the AWS SDK bundled**, and `splitting: true` from `infra/bundle.ts`, " +
      "which every function in `infra/` uses: a module imported with `import()` goes to a chunk of its own that loads the first time " +
      `a request needs it. Bundles are in \`.bench-data/cold-start/\`.`,
    "",
    `### A first request after a cold start`,
    "",
    `A fresh process imports the bundle and invokes its handler once with an HTTP API (payload 2.0) event that carries both the ` +
      "bearer token and the claims API Gateway's JWT authorizer puts in `requestContext.authorizer.jwt.claims` (`sub`, `iss`, " +
      "`aud`, `exp`, `iat`, as strings): the API today verifies the token, the floors read the claims. Calls go to DynamoDB Local " +
      "and s3rver on loopback through a proxy that names each one (`bench/cold-start/aws-calls.ts`). The data: a tenant with 20 " +
      "completed generations of one profile for the reads; for the writes, a tenant whose pending generations each have a 4.8 KB " +
      "WAV uploaded, one per completion, so every completion (the API's or its floor's) does the whole job.",
    "",
    `Each route has a floor of its own, ${ROUTES.map((r) => floorFile(r.floor)).join(", ")}: one Hono route under ` +
      "`hono/aws-lambda`'s `handle`, the tenant from the claims, the API's own DynamoDB and S3 clients (`@sonna/core/aws`, " +
      "`@sonna/core/storage/client`) and key builders, making the calls the route makes in the same order (presigning with the S3 " +
      "client where the route does) and answering JSON; nothing else (no validation, no logging, no checks of the WAV). " +
      `CPU from before the import to the answer, ${firstRuns} runs each, in turns; instructions counted by callgrind for the whole ` +
      `(import and request) less a bare \`node\` importing an empty module, the median of ${INSTRUCTION_RUNS} counts taken in turns, ` +
      `${COUNTING_WIDTH} processes at a time. Callgrind counts the process's own instructions, so other work on the machine ` +
      "adds none; V8's background threads and GC timing move one count by a few percent, and a major GC that happens to start " +
      "before the process ends adds much more (the range shows it). " +
      `**Target:** every route within ${TARGET_RATIO}x of its floor in instructions; a row whose app and floor did not make the ` +
      "same calls, or did not both answer 2xx, is a miss whatever its ratio.",
    "",
    table(
      ["first request", "floor", "answered (API / floor)", "same AWS calls", "CPU median, API / floor (ms)", "CPU ratio", "instructions, API / floor (M, median (range))", "instructions ratio", `≤ ${TARGET_RATIO}x`],
      rows.map((row) => [
        row.route.name,
        floorFile(row.route.floor),
        `${[...row.app.statuses].join(", ")} / ${[...row.floor.statuses].join(", ")}`,
        sameCalls(row.app, row.floor) ? "yes" : "**no**",
        `${fixed(median(row.app.cpu))} / ${fixed(median(row.floor.cpu))}`,
        ratio(median(row.app.cpu), median(row.floor.cpu)),
        `${millions(row.app.instructions)} / ${millions(row.floor.instructions)}`,
        ratio(median(row.app.instructions), median(row.floor.instructions)),
        verdict(row.pass),
      ]),
    ),
    "",
    whereTheExtraGoes(rows, importInstructions[1]! - importInstructions[0]!),
    "",
    `The calls each made, as the proxy saw them arrive in the API's first run (calls made at once may arrive in either ` +
      `order), with the size of each answer. "Same AWS calls" compares every run of both, as sets of operation, status and ` +
      `answer size: the same items read answer the same bytes.`,
    "",
    table(
      ["first request", "AWS calls"],
      rows.map((row) => [row.route.name, describeCalls(row.app.calls[0] ?? [])]),
    ),
    ...rows
      .filter((row) => !sameCalls(row.app, row.floor))
      .flatMap((row) => ["", `${row.route.name}: its floor made ${describeCalls(row.floor.calls[0] ?? [])}.`]),
    "",
    `### Importing each bundle`,
    "",
    `No target: what a cold start costs before any request, for every handler against the floor of a DynamoDB-only route ` +
      `(${floorFile(ROUTES[0]!.floor)}). Each bundle is imported in a fresh \`node --input-type=module -e\` process, timing ` +
      `\`await import(url)\` with \`performance.now()\` and \`process.cpuUsage()\`; ${runs} runs each, taking turns after one ` +
      `discarded warm-up each; instructions as above.`,
    "",
    table(
      ["bundle", "KB loaded at import", "KB in all chunks", "wall median (ms)", "wall p90 (ms)", "CPU median (ms)", "CPU / floor", "instructions (M)", "instructions / floor"],
      imported.map((b, i) => [
        b === importFloor ? `floor (${relative(repoRoot, b.source)})` : `${b.name} (${relative(repoRoot, b.source)})`,
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
    `### What the API loads at import beyond the floor`,
    "",
    `Bytes of the chunks an import of the API entry loads (the entry and every chunk it imports statically), by package, less ` +
      `what the floor's import loads of the same package. Code in chunks loaded on first use is not here ` +
      `(${fixed((api.bundle.bytesInAll - api.bundle.bytesAtImport) / 1024)} KB in all).`,
    "",
    table(["package", "KB beyond the floor"], beyond.map(([pkg, bytes]) => [pkg === "our code (packages/*)" ? pkg : `\`${pkg}\``, fixed(bytes / 1024)])),
    "",
    `Reproduce: \`${command}\` (set \`BENCH_COLD_RUNS\` to change the number of runs; valgrind is needed for the instruction counts).`,
  ].join("\n");

  return {
    title: "Cold start",
    markdown,
    targets: rows.map((row) => ({
      name: `Cold start: first ${row.route.name} / its floor (instructions)`,
      measured:
        `${ratio(median(row.app.instructions), median(row.floor.instructions))} (CPU ${ratio(median(row.app.cpu), median(row.floor.cpu))})` +
        (row.honest ? "" : "; not comparable: different AWS calls or a non-2xx answer"),
      target: `≤ ${TARGET_RATIO}x`,
      pass: row.pass,
    })),
  };
}

if (isMain(import.meta.url)) {
  const runsArg = process.argv.indexOf("--runs");
  emit(await coldStart(runsArg >= 0 ? Number(process.argv[runsArg + 1]) : undefined));
}
