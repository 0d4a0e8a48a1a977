// Shared helpers of the benchmarks: statistics, markdown, the machine, and the section contract.
//
// Section contract (what bench/run.ts expects of every bench/<name>.ts, bench/files.ts included):
//   npx tsx bench/<name>.ts [--section <path>]
// prints its markdown section (starting with a "## " heading) to stdout and, with --section, also
// writes it to <path>, plus a summary of its targets to <path>.json
// ({ title, targets: [{ name, measured, target, pass }] }). The JSON file is optional; run.ts merges
// the markdown either way.
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** Git-ignored scratch space for bundles and sections. */
export const benchData = resolve(repoRoot, ".bench-data");

export interface Target {
  name: string;
  measured: string;
  target: string;
  pass: boolean;
}

export interface Section {
  title: string;
  markdown: string;
  targets: Target[];
}

export const verdict = (pass: boolean) => (pass ? "**PASS**" : "**MISS**");

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}
export const median = (values: number[]) => quantile(values, 0.5);

export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
/** Capacity units print like DynamoDB reports them: up to two decimals, no trailing zeros. */
export const units = (value: number | undefined) =>
  value === undefined || !Number.isFinite(value) ? "n/a" : String(Math.round(value * 100) / 100);
export const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}x` : "n/a");

export function machine(): { lines: string[]; summary: string } {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? "unknown CPU";
  const memory = `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`;
  const lines = [
    `- CPU: ${model}, ${cpus.length} cores (os.cpus())`,
    `- Memory: ${memory}`,
    `- Node: ${process.version} (${process.platform} ${process.arch})`,
    `- Date: ${new Date().toISOString()}`,
  ];
  return { lines, summary: `${model}, ${cpus.length} cores, ${memory}, Node ${process.version}` };
}

/** True when `importMetaUrl` is the script node was started with (not imported by run.ts). */
export const isMain = (importMetaUrl: string) =>
  process.argv[1] !== undefined && importMetaUrl === pathToFileURL(resolve(process.argv[1])).href;

/** Prints the section and, with --section <path>, writes it and its target summary for run.ts. */
export function emit(section: Section): void {
  console.log(`\n${section.markdown}\n`);
  const index = process.argv.indexOf("--section");
  const path = index >= 0 ? process.argv[index + 1] : undefined;
  if (!path) return;
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(resolve(path), `${section.markdown.trim()}\n`);
  writeFileSync(`${resolve(path)}.json`, `${JSON.stringify({ title: section.title, targets: section.targets }, null, 2)}\n`);
}

/** Progress goes to stderr so stdout stays the section. */
export const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

export const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));
