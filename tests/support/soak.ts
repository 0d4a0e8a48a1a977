// npm run soak: the reliability suites at the published scale, through the same local-stack runner
// as npm test (tests/support/run.ts), then the figures table in docs/reliability.md rewritten from
// the RELIABILITY line each suite prints. Published figures therefore come from a command anyone
// can rerun; the table says when and on what machine. A failed run publishes nothing.
//   npm run soak                                   500 + 500 operations, 400 fuzz runs per property
//   SONNA_FUZZ_RUNS=100 npm run soak               any scale variable can be overridden
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const doc = `${repoRoot}docs/reliability.md`;
const BEGIN = "<!-- soak:begin (written by npm run soak) -->";
const END = "<!-- soak:end -->";

export const SCALE: Record<string, string> = {
  SONNA_RELIABILITY_OPS: "500",
  SONNA_CONTENTION_OPS: "500",
  SONNA_FUZZ_RUNS: "400",
};
const FILES = [
  "tests/reliability-concurrency.test.ts",
  "tests/reliability-faults.test.ts",
  "tests/reliability-fuzz.test.ts",
  "tests/reliability-kill.test.ts",
  "tests/jobs-kill.test.ts",
  "tests/reliability-security.test.ts",
];

type Figures = Record<string, any>;

/** RELIABILITY lines as node --test prints them: as diagnostics, with `#` escaped. */
export function parseFigures(output: string): Figures[] {
  return [...output.matchAll(/^#\s*RELIABILITY (\{.*\})\s*$/gm)].map((m) => JSON.parse(m[1]!.replace(/\\#/g, "#")));
}

const n = (x: number | undefined) => (x ?? 0).toLocaleString("en-US");
const list = (counts: Record<string, number> | undefined) =>
  Object.entries(counts ?? {})
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${v} ${k}`)
    .join(", ");
const statusList = (statuses: Record<string, Record<string, number>>) => {
  const all: Record<string, number> = {};
  for (const byStatus of Object.values(statuses ?? {})) for (const [status, count] of Object.entries(byStatus)) all[status] = (all[status] ?? 0) + count;
  return list(all);
};

/** One table row per suite: what ran, and what came out (the goal for every "lost" figure is 0). */
export function row(f: Figures): [string, string, string] {
  switch (f.suite) {
    case "concurrency":
    case "contention":
      return [
        f.suite,
        `${n(f.operations)} operations, width ${f.width} (${list(f.by_kind)})${f.suite === "contention" ? `; ${n(f.faults_injected)} faults injected: ${list(f.faults_by_command)}` : ""}`,
        `answers: ${statusList(f.statuses)}; other 5xx: ${f.five_xx}${f.answered_503 !== undefined ? `; well-formed 503s: ${f.answered_503}` : ""}; ${f.final.records} records, ${f.final.objects} objects; stats = recount; missing audio: ${f.missing_audio}; orphans: ${f.orphan_objects}; transport resets resent: ${f.network_errors_resent}; ${Math.round(f.ms / 1000)} s`,
      ];
    case "faults":
      return [
        f.suite,
        `${n(f.faults_injected)} faults injected: ${list(f.faults_by_command)}`,
        `503 with Retry-After: ${f.requests_503}; absorbed by SDK retries: ${f.sdk_retried_ok}; 500s: ${f.five_hundreds}; 4xx blaming the client: ${f.client_blamed_4xx}; invariant failures: ${f.invariant_failures}; orphans left by a fault and reconciled: ${f.orphans_reconciled}`,
      ];
    case "fuzz":
      return [
        f.suite,
        `${n(f.cases)} cases (${f.runs_per_property} runs per property, seed ${f.seed}), ${n(f.requests)} requests`,
        `5xx: ${f.five_xx}; refused: ${n(f.refused)}, accepted: ${n(f.accepted)}; nothing persisted by a refused request`,
      ];
    case "kill":
    case "kill-cascade":
      return [
        f.suite,
        `${f.processes_killed} processes killed with SIGKILL: ${list(f.killed_at) || `cascade of ${f.generations} generations, after ${f.deleted_before_kill} deletions`}`,
        `${f.retries_succeeded !== undefined ? `retries succeeded: ${f.retries_succeeded} (told to wait for the dead claim first: ${f.retries_told_to_wait}); duplicates: ${f.duplicates}; ` : ""}orphans left and reconciled: ${f.orphans_reconciled}; records pointing at missing audio: 0 (asserted)`,
      ];
    case "security":
      return [f.suite, `${f.routes_checked} id routes, ${f.cross_tenant_requests} cross-tenant requests, ${f.token_cases} token cases, ${f.urls_checked} presigned URLs, ${f.crafted_subjects} crafted subjects`, `leaks: ${f.leaks}`];
    default:
      return [String(f.suite), "", JSON.stringify(f)];
  }
}

export function table(figures: Figures[], run: { date: string; machine: string; scale: Record<string, string>; seconds: number; tests: string }): string {
  const total = (key: string) => figures.reduce((t, f) => t + (Number(f[key]) || 0), 0);
  const lost = figures.reduce((total, f) => total + (f.missing_audio ?? 0) + (f.duplicates ?? 0) + (f.invariant_failures ?? 0) + (f.leaks ?? 0), 0);
  const fiveXx = figures.reduce((total, f) => total + (f.five_xx ?? 0) + (f.five_hundreds ?? 0), 0);
  return [
    BEGIN,
    `Run ${run.date} on ${run.machine}: \`npm run soak\` (${Object.entries(run.scale).map(([k, v]) => `${k}=${v}`).join(", ")}), ${run.tests}, ${Math.round(run.seconds / 60)} min.`,
    "",
    "| suite | what ran | what came out |",
    "|---|---|---|",
    ...figures.map((f) => `| ${row(f).map((cell) => cell.replace(/\|/g, "\\|")).join(" | ")} |`),
    "",
    `Totals: ${n(total("operations"))} concurrent operations, ${n(total("faults_injected"))} faults injected, ${n(total("processes_killed"))} processes killed, ${n(figures.find((f) => f.suite === "fuzz")?.cases)} fuzz inputs; 5xx other than a well-formed 503: ${fiveXx}; records lost, duplicated or pointing at missing audio: **${lost}**.`,
    END,
  ].join("\n");
}

/** Replaces the marked section of the doc (or appends one). */
export function publish(markdown: string, section: string): string {
  const start = markdown.indexOf(BEGIN);
  const end = markdown.indexOf(END);
  if (start >= 0 && end > start) return markdown.slice(0, start) + section + markdown.slice(end + END.length);
  return `${markdown.trimEnd()}\n\n${section}\n`;
}

async function main(): Promise<void> {
  const scale = Object.fromEntries(Object.entries(SCALE).map(([k, v]) => [k, process.env[k] ?? v]));
  const started = Date.now();
  console.log(`soak: ${Object.entries(scale).map(([k, v]) => `${k}=${v}`).join(" ")}; ${FILES.join(" ")}`);
  const child = spawn(process.execPath, ["--import", "tsx", "tests/support/run.ts", ...FILES], {
    cwd: repoRoot,
    env: { ...process.env, ...scale },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    output += chunk;
    process.stdout.write(chunk);
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  const code = await new Promise<number>((done) => child.on("exit", (exitCode, signal) => done(exitCode ?? (signal ? 1 : 0))));
  const count = (what: string) => Number(output.match(new RegExp(`^# ${what} (\\d+)$`, "m"))?.[1] ?? 0);
  if (code !== 0) {
    console.error(`soak: the run failed (exit ${code}, ${count("fail")} failed tests); docs/reliability.md is left as it was.`);
    process.exit(code);
  }
  const order = ["concurrency", "contention", "faults", "kill", "kill-cascade", "fuzz", "security"];
  const figures = parseFigures(output).sort((a, b) => order.indexOf(a.suite) - order.indexOf(b.suite));
  const cpus = os.cpus();
  const section = table(figures, {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB, Node ${process.versions.node}, load average ${os.loadavg()[0]!.toFixed(1)} at the end`,
    scale,
    seconds: (Date.now() - started) / 1000,
    tests: `${count("tests")} tests passed`,
  });
  writeFileSync(doc, publish(readFileSync(doc, "utf8"), section));
  console.log(`\n${section}\n\nsoak: figures written to docs/reliability.md`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
