// `npm run bench`: runs every benchmark, each in its own process, one after the other, and writes
// docs/benchmarks.md from their sections.
//   npm run bench                        all of them; writes docs/benchmarks.md
//   npm run bench -- capacity http       only those; writes .bench-data/benchmarks.partial.md
//   npm run bench -- --reuse files       all, but takes files' section from its last run
//                                        (.bench-data/sections/files.md) instead of running it again
//
// Each benchmark is bench/<name>.ts and follows the section contract in bench/lib/report.ts.
// bench/files.ts (export and import file sizes) belongs to another engineer: it is run when it
// exists, and a placeholder section stands in for it until then.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import os from "node:os";
import { benchData, fixed, log, machine, median, repoRoot, table, verdict, type Target } from "./lib/report";

interface Benchmark {
  name: string;
  title: string;
  /** Kept when bench/<name>.ts does not exist. */
  placeholder?: string;
}

const FILES_PLACEHOLDER = [
  `## Files: export and import`,
  "",
  `_Placeholder: not measured yet._ This section is measured by \`bench/files.ts\`, which another engineer adds. ` +
    `\`bench/run.ts\` runs \`bench/files.ts\` whenever it exists and puts the section it prints here (contract: print one ` +
    `markdown section starting with \`## \`; with \`--section <path>\` also write it to \`<path>\`, and optionally its targets ` +
    `to \`<path>.json\` as \`{ "title", "targets": [{ "name", "measured", "target", "pass" }] }\`; helpers in \`bench/lib/report.ts\`).`,
  "",
  `Reproduce (once it exists): \`npx tsx bench/files.ts\``,
].join("\n");

const BENCHMARKS: Benchmark[] = [
  { name: "cold-start", title: "Cold start" },
  { name: "capacity", title: "DynamoDB capacity" },
  { name: "http", title: "HTTP" },
  { name: "search", title: "Search" },
  { name: "files", title: "Files: export and import", placeholder: FILES_PLACEHOLDER },
  { name: "archival", title: "Archival compression" },
  { name: "formats", title: "Formats: transcoding" },
];

interface Outcome {
  benchmark: Benchmark;
  markdown: string;
  targets: Target[];
  seconds: number;
  failed: boolean;
  skipped: boolean;
  reused?: string;
}

/** The section a benchmark wrote in an earlier run, marked as such. */
function reuse(benchmark: Benchmark): Outcome {
  const sectionPath = join(benchData, "sections", `${benchmark.name}.md`);
  if (!existsSync(sectionPath)) throw new Error(`--reuse ${benchmark.name}: no earlier section at ${relative(repoRoot, sectionPath)}`);
  const when = statSync(sectionPath).mtime.toISOString();
  let targets: Target[] = [];
  try {
    targets = existsSync(`${sectionPath}.json`) ? ((JSON.parse(readFileSync(`${sectionPath}.json`, "utf8")) as { targets?: Target[] }).targets ?? []) : [];
  } catch {
    targets = [];
  }
  const markdown = readFileSync(sectionPath, "utf8")
    .trim()
    .replace(/^(## .*)$/m, `$1\n\n_This section is from an earlier run of \`npx tsx bench/${benchmark.name}.ts\` on the same machine, finished ${when}._`);
  return { benchmark, markdown, targets, seconds: 0, failed: false, skipped: false, reused: when };
}

/** Runs bench/<name>.ts in its own process; progress (stderr) streams through, the section comes back as a file. */
async function runOne(benchmark: Benchmark): Promise<Outcome> {
  const script = join(repoRoot, "bench", `${benchmark.name}.ts`);
  if (!existsSync(script)) {
    return { benchmark, markdown: benchmark.placeholder ?? `## ${benchmark.title}\n\n_Not measured: ${relative(repoRoot, script)} is missing._`, targets: [], seconds: 0, failed: false, skipped: true };
  }
  const sectionPath = join(benchData, "sections", `${benchmark.name}.md`);
  rmSync(sectionPath, { force: true });
  rmSync(`${sectionPath}.json`, { force: true });
  const started = Date.now();
  log(`run: ${benchmark.name} (npx tsx bench/${benchmark.name}.ts)`);
  const { code, stdout, stderrTail } = await new Promise<{ code: number | null; stdout: string; stderrTail: string }>((done) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, "--section", sectionPath], {
      cwd: repoRoot,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderrTail = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk.toString()).slice(-3000);
    });
    child.once("close", (code) => done({ code, stdout, stderrTail }));
  });
  const seconds = (Date.now() - started) / 1000;
  writeFileSync(join(benchData, `${benchmark.name}.log`), stdout);

  let markdown = existsSync(sectionPath) ? readFileSync(sectionPath, "utf8") : "";
  if (!markdown && code === 0) {
    // A benchmark that only prints its section: take stdout from its first heading on.
    const at = stdout.search(/^## /m);
    markdown = at >= 0 ? stdout.slice(at) : stdout;
  }
  let targets: Target[] = [];
  try {
    targets = existsSync(`${sectionPath}.json`) ? ((JSON.parse(readFileSync(`${sectionPath}.json`, "utf8")) as { targets?: Target[] }).targets ?? []) : [];
  } catch {
    targets = [];
  }
  const failed = code !== 0 || !markdown.trim();
  if (failed) {
    markdown = [
      `## ${benchmark.title}`,
      "",
      `**Did not complete** (\`npx tsx bench/${benchmark.name}.ts\` exited with ${code}). Last output:`,
      "",
      "```",
      stderrTail.trim().split("\n").slice(-25).join("\n"),
      "```",
    ].join("\n");
  } else if (!/^## /m.test(markdown)) {
    markdown = `## ${benchmark.title}\n\n${markdown}`;
  }
  return { benchmark, markdown: markdown.trim(), targets, seconds, failed, skipped: false };
}

const args = process.argv.slice(2);
const reuseAt = args.indexOf("--reuse");
const reused = reuseAt >= 0 ? (args[reuseAt + 1] ?? "").split(",").filter(Boolean) : [];
const requested = args.filter((arg, i) => !arg.startsWith("-") && !(reuseAt >= 0 && i === reuseAt + 1));
const unknown = [...requested, ...reused].filter((name) => !BENCHMARKS.some((b) => b.name === name));
if (unknown.length) {
  console.error(`Unknown benchmark(s): ${unknown.join(", ")}. Known: ${BENCHMARKS.map((b) => b.name).join(", ")}.`);
  process.exit(2);
}
const selected = requested.length ? BENCHMARKS.filter((b) => requested.includes(b.name)) : BENCHMARKS;
mkdirSync(join(benchData, "sections"), { recursive: true });

const started = Date.now();
// How busy the shared machine was while the benchmarks ran (1-minute load average, every 10 s).
const loads: number[] = [];
const loadTimer = setInterval(() => loads.push(os.loadavg()[0]!), 10_000);
const outcomes: Outcome[] = [];
for (const benchmark of selected) outcomes.push(reused.includes(benchmark.name) ? reuse(benchmark) : await runOne(benchmark));
const minutes = (Date.now() - started) / 60_000;
clearInterval(loadTimer);

const { lines } = machine();
const allTargets = outcomes.flatMap((o) => o.targets);
const document = [
  `# Benchmarks`,
  "",
  `Written by \`npm run bench\` (\`bench/run.ts\`); every figure below comes from the run described here (a section ` +
    `reused from an earlier run says so and when). The machine is small, ` +
    `shared and noisy, so nothing here is a test and no absolute time is a promise: every timing is a **ratio against a ` +
    `baseline measured side by side in the same run** (interleaved or alternating, so noise hits both), and capacity ` +
    `figures are what DynamoDB (Local) reports, which does not depend on the machine. Nothing calls AWS: DynamoDB Local and ` +
    `s3rver on loopback ports, started per benchmark by \`packages/local/src/stack.ts\`.`,
  "",
  `## Machine and run`,
  "",
  ...lines,
  ...(loads.length
    ? [
        `- Load average (1 min) during the run, on ${os.cpus().length} cores: median ${fixed(median(loads))}, ` +
          `range ${fixed(Math.min(...loads))}-${fixed(Math.max(...loads))} (other work shares this machine)`,
      ]
    : []),
  `- Whole run: ${fixed(minutes)} minutes (${outcomes
    .map((o) => `${o.benchmark.name} ${o.skipped ? "not present" : o.reused ? `reused from ${o.reused}` : `${fixed(o.seconds, 0)} s`}`)
    .join(", ")})`,
  "",
  `## Summary`,
  "",
  allTargets.length
    ? table(
        ["target", "measured", "goal", "verdict"],
        allTargets.map((t) => [t.name, t.measured, t.target, verdict(t.pass)]),
      )
    : "_No targets were measured._",
  "",
  ...outcomes.map((o) => `${o.markdown}\n`),
].join("\n");

const out = requested.length ? join(benchData, "benchmarks.partial.md") : join(repoRoot, "docs", "benchmarks.md");
writeFileSync(out, document.endsWith("\n") ? document : `${document}\n`);
log(`run: wrote ${relative(repoRoot, out)} in ${fixed(minutes)} minutes`);
for (const t of allTargets) log(`run: ${t.pass ? "PASS" : "MISS"} ${t.name}: ${t.measured} (goal ${t.target})`);
if (outcomes.some((o) => o.failed)) {
  log(`run: did not complete: ${outcomes.filter((o) => o.failed).map((o) => o.benchmark.name).join(", ")}`);
  process.exit(1);
}
