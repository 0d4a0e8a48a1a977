// Throughput and latency of our HTTP layers, against a bare node:http server making the same
// DynamoDB calls.
//   npx tsx bench/http.ts
//
// Both servers run in child processes on 127.0.0.1 (so autocannon, in this process, never shares
// their event loop) against one DynamoDB Local holding a tenant with ~1,000 generations. For each
// endpoint the two take turns under the same load (baseline, ours, ours, baseline, ...), so the
// machine's noise hits both.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import { benchData, emit, fixed, isMain, log, repoRoot, table, verdict, type Section, type Target } from "./lib/report";
import { startBenchStack } from "./lib/stack";

const OVERHEAD_TARGET = 0.2;
const perSecond = (rps: number) => fixed(rps, rps < 100 ? 1 : 0);
const CONNECTIONS = 10;

interface Server {
  name: string;
  child: ChildProcess;
  url: string;
}

/** Starts a server script with tsx and waits for its "listening <port>" line. */
function startServer(name: string, script: string): Promise<Server> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, script)], {
      cwd: repoRoot,
      env: process.env,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    let output = "";
    const timer = setTimeout(() => fail(new Error(`${name} did not start within 60 s:\n${output}`)), 60_000);
    child.stderr!.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    child.stdout!.on("data", (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
      const port = /listening (\d+)/.exec(output)?.[1];
      if (port) {
        clearTimeout(timer);
        done({ name, child, url: `http://127.0.0.1:${port}` });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`${name} exited with ${code}:\n${output}`));
    });
  });
}

async function stopServer(server: Server | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((done) => server.child.once("exit", done));
  server.child.kill("SIGTERM");
  const timer = setTimeout(() => server.child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/** CPU time (ms) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second here).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Asks a server (bench/http/profiler.ts) for a CPU profile of whatever runs during `during`. */
async function profiled<T>(server: Server, path: string, during: () => Promise<T>): Promise<T> {
  const reply = (key: string) =>
    new Promise<void>((done) => {
      const onMessage = (message: Record<string, unknown>) => {
        if (message[key] === undefined) return;
        server.child.off("message", onMessage);
        done();
      };
      server.child.on("message", onMessage);
    });
  const started = reply("profiling");
  server.child.send({ profile: "start" });
  await started;
  const result = await during();
  const written = reply("profiled");
  server.child.send({ profile: "stop", path });
  await written;
  return result;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Sampled CPU time (ms) by where the code lives: a package, our packages, Node itself, V8's GC, native code. */
export function cpuByCategory(path: string): Map<string, number> {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const categoryOf = new Map<number, string>();
  for (const node of profile.nodes) {
    const { url, functionName } = node.callFrame;
    let category: string;
    if (functionName === "(idle)") category = "(idle)";
    else if (functionName === "(garbage collector)") category = "V8 garbage collector";
    else if (functionName === "(program)") category = "V8 (program)";
    else if (url.includes("node_modules/")) {
      const parts = url.slice(url.lastIndexOf("node_modules/") + "node_modules/".length).split("/");
      category = parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
    } else if (url.includes("/packages/")) category = `our code: packages/${url.split("/packages/")[1]!.split("/")[0]}`;
    else if (url.includes("/bench/")) category = "bench server code";
    else if (url.startsWith("node:internal/deps/undici")) category = "Node.js undici (Web Request/Headers/Response)";
    else if (url.startsWith("node:")) category = "Node.js internals";
    else if (url === "") category = `native (${functionName || "anonymous"})`;
    else category = "other";
    categoryOf.set(node.id, category);
  }
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const category = categoryOf.get(id) ?? "other";
    totals.set(category, (totals.get(category) ?? 0) + (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000);
  });
  totals.delete("(idle)");
  // Fold the many small native functions into one line each for JSON, regexps and the rest.
  const folded = new Map<string, number>();
  for (const [category, ms] of totals) {
    const key = category.startsWith("native (") ? (/stringify|parse|JSON/i.test(category) ? "native: JSON" : "native: other builtins") : category;
    folded.set(key, (folded.get(key) ?? 0) + ms);
  }
  return folded;
}

/** Code that only our server runs: the web framework, its adapter, validation, our routes. */
const OUR_LAYERS = [
  "hono",
  "@hono/node-server",
  "hono-openapi",
  "@hono/standard-validator",
  "valibot",
  "Node.js undici (Web Request/Headers/Response)",
  "our code: packages/functions",
];

interface Run {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  errors: number;
  cpuMs: number;
}

async function load(server: Server, path: string, token: string, seconds: number): Promise<Run> {
  const cpuBefore = cpuMs(server.child.pid);
  const result = await autocannon({
    url: `${server.url}${path}`,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
  });
  const cpuAfter = cpuMs(server.child.pid);
  return {
    requests: result["2xx"],
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    cpuMs: cpuAfter - cpuBefore,
  };
}

const summarize = (runs: Run[]) => {
  const requests = runs.reduce((n, r) => n + r.requests, 0);
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  return {
    rps: requests / seconds,
    p50: runs.reduce((n, r) => n + r.p50, 0) / runs.length,
    p99: runs.reduce((n, r) => n + r.p99, 0) / runs.length,
    errors: runs.reduce((n, r) => n + r.errors, 0),
    cpuPerRequest: runs.reduce((n, r) => n + r.cpuMs, 0) / requests,
  };
};

export async function http(
  seconds = Number(process.env.BENCH_HTTP_SECONDS ?? 2),
  rounds = Number(process.env.BENCH_HTTP_ROUNDS ?? 5),
  generations = 1000,
): Promise<Section> {
  const bench = await startBenchStack("http");
  let ours: Server | undefined;
  let baseline: Server | undefined;
  try {
    const { seedTenant } = await import("./lib/seed");
    const { signLocalToken } = await import("@sonna/local/tokens");
    const tenant = `bench-http-${Date.now()}`;
    log(`http: seeding ${generations} generations`);
    const seeded = await seedTenant(tenant, { generations, onProgress: (message) => log(`http: ${message}`) });
    const token = await signLocalToken(bench.secret, tenant, { expiresIn: "2h" });

    [ours, baseline] = await Promise.all([startServer("ours", "bench/http/app-server.ts"), startServer("baseline", "bench/http/baseline-server.ts")]);
    const endpoints = [
      { label: "GET /history?limit=50", path: "/history?limit=50" },
      { label: "GET /history/{id}", path: `/history/${seeded.completed[Math.floor(seeded.completed.length / 2)]}` },
      { label: "GET /history/stats", path: "/history/stats" },
    ];

    // Both must answer alike before their speed means anything.
    const caveats: string[] = [];
    for (const endpoint of endpoints) {
      const bodies = [];
      for (const server of [ours, baseline]) {
        const response = await fetch(`${server.url}${endpoint.path}`, { headers: { authorization: `Bearer ${token}` } });
        if (response.status !== 200) throw new Error(`${server.name} ${endpoint.label} answered ${response.status}: ${await response.text()}`);
        bodies.push((await response.json()) as Record<string, unknown>);
      }
      const [a, b] = bodies as [Record<string, any>, Record<string, any>];
      const sameKeys = JSON.stringify(Object.keys(a).sort()) === JSON.stringify(Object.keys(b).sort());
      const sameItems = !Array.isArray(a.items) || (a.items.length === b.items.length && a.total === b.total);
      if (!sameKeys || !sameItems) {
        // The product moves; a stale mirror is reported in the section rather than silently compared.
        const caveat = `${endpoint.label}: the baseline's answer differs from ours (fields ${Object.keys(b).sort().join(",")} vs ours ${Object.keys(a).sort().join(",")}); bench/http/baseline-server.ts needs to mirror the endpoint again`;
        log(`http: WARNING ${caveat}`);
        caveats.push(caveat);
      }
    }

    const results = [];
    for (const endpoint of endpoints) {
      log(`http: ${endpoint.label}: warm-up, then ${rounds} rounds of ${seconds} s per server`);
      await load(baseline, endpoint.path, token, 2);
      await load(ours, endpoint.path, token, 2);
      const runs: Record<"ours" | "baseline", Run[]> = { ours: [], baseline: [] };
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? [baseline, ours] : [ours, baseline];
        for (const server of order) runs[server.name as "ours" | "baseline"].push(await load(server, endpoint.path, token, seconds));
      }
      results.push({ endpoint, ours: summarize(runs.ours), baseline: summarize(runs.baseline) });
    }

    // Where the extra CPU goes: a sampled profile of each server under the same load.
    const profileSeconds = 3;
    const breakdowns = [];
    mkdirSync(join(benchData, "http"), { recursive: true });
    for (const endpoint of endpoints) {
      log(`http: ${endpoint.label}: CPU profiles, ${profileSeconds} s per server`);
      const perServer: Record<string, { perRequest: Map<string, number>; requests: number }> = {};
      for (const server of [baseline, ours]) {
        const file = join(benchData, "http", `${server.name}-${endpoint.path.replace(/[^a-z]+/gi, "-")}.cpuprofile`);
        const run = await profiled(server, file, () => load(server, endpoint.path, token, profileSeconds));
        // The profiler's sample intervals are wall time: while the process waits for a CPU, the
        // wait is charged to whatever was running. So take only the shares from the profile and
        // scale them to the CPU time the kernel actually gave the process (/proc).
        const sampled = cpuByCategory(file);
        const sampledTotal = [...sampled.values()].reduce((n, v) => n + v, 0);
        const cpuPerRequest = run.cpuMs / run.requests;
        const perRequest = new Map([...sampled].map(([category, ms]) => [category, (ms / sampledTotal) * cpuPerRequest]));
        perServer[server.name] = { perRequest, requests: run.requests };
      }
      breakdowns.push({ endpoint, baseline: perServer.baseline!, ours: perServer.ours! });
    }

    const targets: Target[] = results.map((r) => {
      const overhead = 1 - r.ours.rps / r.baseline.rps;
      return {
        name: `HTTP: ${r.endpoint.label} overhead vs bare node:http`,
        measured: `${fixed(overhead * 100)}% (${perSecond(r.ours.rps)} vs ${perSecond(r.baseline.rps)} req/s)`,
        target: `< ${OVERHEAD_TARGET * 100}%`,
        pass: overhead < OVERHEAD_TARGET,
      };
    });
    const rows = results.flatMap((r, i) => [
      [
        `\`${r.endpoint.label}\``,
        "baseline",
        perSecond(r.baseline.rps),
        fixed(r.baseline.p50, 1),
        fixed(r.baseline.p99, 1),
        fixed(r.baseline.cpuPerRequest, 3),
        r.baseline.errors,
        "",
        "",
        "",
      ],
      [
        "",
        "ours",
        perSecond(r.ours.rps),
        fixed(r.ours.p50, 1),
        fixed(r.ours.p99, 1),
        fixed(r.ours.cpuPerRequest, 3),
        r.ours.errors,
        `${fixed((1 - r.ours.rps / r.baseline.rps) * 100)}%`,
        `${r.ours.cpuPerRequest >= r.baseline.cpuPerRequest ? "+" : ""}${fixed((r.ours.cpuPerRequest / r.baseline.cpuPerRequest - 1) * 100)}%`,
        verdict(targets[i]!.pass),
      ],
    ]);

    const markdown = [
      `## HTTP: our layers against a bare node:http server`,
      "",
      `A tenant with ${generations} generations (${seeded.completed.length} completed, ${seeded.failed.length} failed, ` +
        `${seeded.pending.length} pending, 5 profiles) in DynamoDB Local. **Ours**: the app served by \`@hono/node-server\` ` +
        `(\`bench/http/app-server.ts\`). **Baseline**: \`bench/http/baseline-server.ts\`, a bare \`node:http\` server with the same ` +
        `SDK clients making the same DynamoDB calls as our endpoints (list: Query of limit+1 ‖ GetItem of the total counter, then ` +
        `BatchGetItem of the page's profile names; get: consistent GetItem, then BatchGetItem of the profile name ‖ presigned ` +
        `GET URL; stats: Query of the aggregate items ‖ Query of the last 30 day items ‖ consistent GetItem of the settings item) and building the same JSON; it decodes ` +
        `the token's \`sub\` without verifying it, and has no router, middleware or schema validation. Each server runs in ` +
        `its own child process on 127.0.0.1; autocannon runs in the parent with ${CONNECTIONS} connections. Per endpoint: ` +
        `2 s warm-up each, then ${rounds} rounds of ${seconds} s per server in alternating order ` +
        `(baseline, ours, ours, baseline, ...), short rounds so that the machine's swings hit both. req/s is over all rounds; latencies are the mean of the rounds' percentiles; ` +
        `CPU is the server process's user+system time per request (from /proc). DynamoDB Local, a JVM, shares the same 2 cores ` +
        `and takes most of the CPU, so absolute figures are far below Lambda's; the ratio is what counts.`,
      "",
      table(
        ["endpoint", "server", "req/s", "p50 (ms)", "p99 (ms)", "server CPU per request (ms)", "errors", "overhead (1 − ours/baseline req/s)", "extra CPU per request", "target < 20%"],
        rows,
      ),
      "",
      `The target is on req/s. Throughput here is bounded by DynamoDB Local's JVM and by whatever else the shared machine ` +
        `runs, so it carries that noise; the server's own CPU time per request (kernel-counted, unaffected by waiting) is the ` +
        `steadier measure of what our layers cost, and is shown beside it.`,
      "",
      `### Where our extra CPU goes`,
      "",
      `A sampled CPU profile (V8, 200 µs interval, started and stopped over the IPC channel around the load, so startup is ` +
        `excluded) of each server under ${profileSeconds} s of the same load, per endpoint. The profile gives each place's share ` +
        `of the samples; the shares are scaled to the CPU time the kernel gave the server process during that run (/proc), ` +
        `because on a busy machine the profiler's wall-clock intervals also count time spent waiting for a CPU. ` +
        `CPU ms per request by where the code lives, sorted by the difference; the SDK lines (\`@smithy/*\`, \`@aws-sdk/*\`) do ` +
        `the same work in both servers, so their differences are the measurement's noise.`,
      "",
      ...breakdowns.flatMap((b) => {
        const categories = new Set([...b.baseline.perRequest.keys(), ...b.ours.perRequest.keys()]);
        const rows = [...categories]
          .map((category) => ({
            category,
            base: b.baseline.perRequest.get(category) ?? 0,
            ours: b.ours.perRequest.get(category) ?? 0,
          }))
          .sort((x, y) => y.ours - y.base - (x.ours - x.base));
        const total = (m: Map<string, number>) => [...m.values()].reduce((n, v) => n + v, 0);
        const shown = rows.filter((r) => Math.abs(r.ours - r.base) >= 0.02 || r.ours >= 0.2).slice(0, 10);
        const layers = OUR_LAYERS.reduce((n, category) => n + (b.ours.perRequest.get(category) ?? 0), 0);
        const baselineLayers = OUR_LAYERS.reduce((n, category) => n + (b.baseline.perRequest.get(category) ?? 0), 0);
        return [
          `\`${b.endpoint.label}\` (${b.baseline.requests} baseline and ${b.ours.requests} of our requests profiled): ` +
            `code only our server runs (${OUR_LAYERS.map((c) => c.replace(/ \(.*\)$/, "")).join(", ")}) takes ` +
            `${fixed(layers, 3)} ms of our ${fixed(total(b.ours.perRequest), 3)} ms per request ` +
            `(**${fixed((layers / total(b.ours.perRequest)) * 100)}%**; the baseline spends ${fixed(baselineLayers, 3)} ms in the same places).`,
          "",
          table(
            ["code", "baseline ms/req", "ours ms/req", "difference"],
            [
              ...shown.map((r) => [r.category, fixed(r.base, 3), fixed(r.ours, 3), `${r.ours - r.base >= 0 ? "+" : ""}${fixed(r.ours - r.base, 3)}`]),
              ["**total**", fixed(total(b.baseline.perRequest), 3), fixed(total(b.ours.perRequest), 3), `${fixed(total(b.ours.perRequest) - total(b.baseline.perRequest), 3)}`],
            ],
          ),
          "",
        ];
      }),
      ...(caveats.length ? [`**Caveat:** ${caveats.join("; ")}.`, ""] : []),
      `Reproduce: \`npx tsx bench/http.ts\` (\`BENCH_HTTP_SECONDS\` per run, default 2; \`BENCH_HTTP_ROUNDS\`, default 5).`,
    ].join("\n");
    return { title: "HTTP", markdown, targets };
  } finally {
    await Promise.all([stopServer(ours), stopServer(baseline)]);
    await bench.stop();
  }
}

if (isMain(import.meta.url)) emit(await http());
