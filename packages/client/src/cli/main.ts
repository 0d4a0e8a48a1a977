/**
 * `sonna-history`: the history from a terminal or a script. Exit codes (help.ts): 0 done, 1 done
 * with items failed or skipped, 2 a usage, configuration, connection or local file error.
 */
import { mkdir, stat } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { parseArgs } from "node:util";
import { data } from "../api.js";
import { createSonnaClient } from "../client.js";
import type { AudioChoice } from "../download.js";
import { SonnaApiError, SonnaFileError } from "../errors.js";
import type { components } from "../schema.js";
import { ConfigError, EXIT, ItemFailure, OPTIONS, oneArgument, printJson, UsageError, type Command, type Io, type Values } from "./command.js";
import { describeFailure } from "./failure.js";
import { COMMAND_HELP, seeHelp, USAGE } from "./help.js";
import { progressReporter } from "./progress.js";
import { bulkGenerations, generationArchive, type BulkGeneration } from "./bulk.js";
import { refuseExisting } from "./files.js";
import { printable, table } from "./table.js";
import { importVoicebox } from "./voicebox/command.js";
import { backup } from "./backup/command.js";

export async function main(argv: string[], io: Io): Promise<number> {
  const json = argv.includes("--json");
  let name: string | undefined;
  let secret: string | undefined;
  let url: string | undefined;
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    const [first, ...args] = positionals;
    name = first;
    if (values.help) {
      io.stdout.write((name !== undefined && COMMAND_HELP[name]) || USAGE);
      return EXIT.done;
    }
    const run = name === undefined ? undefined : COMMANDS[name];
    if (!run) throw new UsageError(name === undefined ? "No command given." : `Unknown command "${name}".`);
    url = values.url ?? io.env.SONNA_API_URL;
    secret = values.token ?? io.env.SONNA_TOKEN;
    if (!url || !secret) throw new ConfigError("Set the API and a token: --url and --token, or SONNA_API_URL and SONNA_TOKEN.");
    return await run({ sonna: createSonnaClient({ baseUrl: url, token: secret }), args, values, io });
  } catch (error) {
    const failure = describeFailure(error, url);
    const message = secret ? failure.message.replaceAll(secret, "[redacted]") : failure.message;
    io.stderr.write(`${message}\n${failure.exit === EXIT.usage && failure.code === "usage" ? seeHelp(name) : ""}`);
    if (json) io.stdout.write(`${JSON.stringify({ error: { code: failure.code, message, ...(failure.status ? { status: failure.status } : {}) } }, null, 2)}\n`);
    return failure.exit;
  }
}

type ListQuery = NonNullable<import("../schema.js").operations["getHistory"]["parameters"]["query"]>;

function filters(values: Values): ListQuery {
  const status = values.status;
  if (status !== undefined && status !== "pending" && status !== "completed" && status !== "failed") {
    throw new UsageError(`--status is pending, completed or failed, not "${status}".`);
  }
  return {
    ...(values.profile ? { profile_id: values.profile } : {}),
    ...(status ? { status } : {}),
    ...(values.tag ? { tag: values.tag } : {}),
    ...(values.favorites ? { favorites: true } : {}),
  };
}

function limitOf(values: Values): number {
  const limit = Number(values.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit is a whole number above 0, not "${values.limit}".`);
  return limit;
}

async function list({ sonna, values, io }: Command, search?: string): Promise<number> {
  const limit = limitOf(values);
  const rows: components["schemas"]["ListedGeneration"][] = [];
  for await (const g of sonna.generations({ ...filters(values), ...(search ? { search } : {}), limit: Math.min(limit, 200) })) {
    rows.push(g);
    if (rows.length === limit) break;
  }
  if (values.json) {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT.done;
  }
  const columns = [
    { title: "ID", width: 36 },
    { title: "CREATED", width: 16 },
    { title: "STATUS", width: 9 },
    { title: "SECONDS", width: 7 },
    { title: "PROFILE", width: 16 },
    { title: "TEXT", width: 60 },
  ];
  io.stdout.write(
    table(
      columns,
      rows.map((g) => [g.id, g.created_at.slice(0, 16).replace("T", " "), g.status, g.duration === null ? "" : g.duration.toFixed(1), g.profile_name ?? "", g.text.replace(/\s+/g, " ")]),
    ),
  );
  return EXIT.done;
}

async function get({ sonna, args, values, io }: Command): Promise<number> {
  const id = oneArgument(args, "generation id");
  const generation = await data(sonna.api.GET("/history/{id}", { params: { path: { id } } }));
  if (values.json) io.stdout.write(`${JSON.stringify(generation, null, 2)}\n`);
  else for (const [key, value] of Object.entries(generation)) io.stdout.write(`${key}: ${typeof value === "object" && value !== null ? JSON.stringify(value) : printable(String(value))}\n`);
  return EXIT.done;
}

/** What `forEach` did: each item's result, and each refused item with why. */
interface ItemsReport<R> {
  done: R[];
  failed: { item: string; error: string }[];
  /** Stopped early by Ctrl-C (the items after the current one were not tried). */
  interrupted: boolean;
}

/**
 * Runs `each` over `items` with a progress report; a refused item is reported and the rest go on.
 * Ctrl-C (`io.signal`) stops after the current item, and what was done is reported all the same.
 */
async function forEach<T, R>(
  io: Io,
  label: string,
  items: T[],
  each: (item: T, onBytes: (sent: number) => void) => Promise<{ line: string; bytes: number; result: R }>,
  nameOf: (item: T) => string = String,
): Promise<ItemsReport<R>> {
  const progress = progressReporter(io.stderr, label, items.length);
  const report: ItemsReport<R> = { done: [], failed: [], interrupted: false };
  for (const item of items) {
    if (io.signal?.aborted) {
      report.interrupted = true;
      break;
    }
    try {
      const { line, bytes, result } = await each(item, (sent) => progress.bytes(sent));
      report.done.push(result);
      progress.item(line, bytes);
    } catch (error) {
      const refused = error instanceof SonnaApiError && error.status !== 401 && error.status !== 403;
      if (!refused && !(error instanceof ItemFailure) && !(error instanceof SonnaFileError)) throw error;
      report.failed.push({ item: nameOf(item), error: error.message });
      progress.item(`failed ${nameOf(item)}`);
    }
  }
  progress.done();
  for (const { item, error } of report.failed) io.stderr.write(`failed: ${item}: ${error}\n`);
  io.stderr.write(`${label}: ${report.done.length} done, ${report.failed.length} failed${report.interrupted ? `, ${items.length - report.done.length - report.failed.length} not tried (interrupted)` : ""}\n`);
  return report;
}

/** The exit code for a report: interrupted, else 1 when anything failed or was skipped. */
const exitOf = (report: ItemsReport<unknown>, skipped = 0) =>
  report.interrupted ? EXIT.interrupted : report.failed.length + skipped > 0 ? EXIT.itemsFailed : EXIT.done;

const AUDIO_FORMATS = ["wav", "flac", "mp3", "opus"] as const;

/** `--format` and `--bitrate`, checked here so a typo is a usage error rather than one failure per id. */
function audioChoice(values: Values): AudioChoice {
  const format = values.format;
  if (format !== undefined && !AUDIO_FORMATS.includes(format as (typeof AUDIO_FORMATS)[number])) {
    throw new UsageError(`--format must be one of ${AUDIO_FORMATS.join(", ")}.`);
  }
  const bitrate = values.bitrate === undefined ? undefined : Number(values.bitrate);
  if (bitrate !== undefined && !Number.isInteger(bitrate)) throw new UsageError("--bitrate must be a whole number of kbps.");
  return { ...(format ? { format: format as AudioChoice["format"] } : {}), ...(bitrate !== undefined ? { bitrate } : {}) };
}

async function download({ sonna, args, values, io }: Command): Promise<number> {
  if (args.length === 0) throw new UsageError("Give one or more generation ids.");
  const out = values.out ?? ".";
  await mkdir(out, { recursive: true });
  const choice = audioChoice(values);
  const report = await forEach(io, "download", args, async (id, onBytes) => {
    const link = await sonna.audioLink(id, choice);
    // The id keeps generations with the same text apart (the link is named from the text alone).
    const extension = extname(link.filename);
    const path = join(out, `${basename(link.filename, extension)}-${basename(id)}${extension}`);
    await refuseExisting(path, values.force);
    const { bytes } = await sonna.download(link, path, onBytes);
    return { line: path, bytes, result: { id, path, bytes } };
  });
  if (values.json) printJson(io, { downloaded: report.done, failed: report.failed.map(({ item, error }) => ({ id: item, error })), interrupted: report.interrupted });
  return exitOf(report);
}

async function exportArchives({ sonna, args, values, io }: Command): Promise<number> {
  const out = values.out ?? ".";
  const selection = args.length > 0 ? { ids: args } : { filter: filters(values) };
  const started = await data(sonna.api.POST("/history/exports", { body: selection as components["schemas"]["BulkSelection"] }));
  const job = await sonna.waitForJob(started.id, {
    onProgress: (j) => {
      if (io.stderr.isTTY) io.stderr.write(`\rexport: ${j.status} ${j.progress.done}/${j.progress.total ?? "?"}\x1b[K`);
    },
    ...(io.signal ? { signal: io.signal } : {}),
  });
  if (io.stderr.isTTY) io.stderr.write("\n");
  if (job.status !== "succeeded") {
    io.stderr.write(`The export failed: ${job.error ?? "no reason given"}\n`);
    if (values.json) printJson(io, { job, files: [], failed: [], not_found: [], not_completed: 0 });
    return EXIT.itemsFailed;
  }
  const result = job.result as { parts: (components["schemas"]["DownloadLink"] & { generations: number })[]; skipped?: number; not_found?: string[] };
  const notFound = result.not_found ?? [];
  // `skipped` counts the ids not found too; the rest were not completed (no audio to export).
  const notCompleted = (result.skipped ?? 0) - notFound.length;
  await mkdir(out, { recursive: true });
  // Named after the job, so a second export into the same folder keeps the first's parts.
  const parts = result.parts.map((part, i) => ({ ...part, path: join(out, `sonna-history-export-${job.id}-part-${i + 1}.zip`) }));
  const report = await forEach(io, "export", parts, async (part, onBytes) => {
    const { path } = part;
    await refuseExisting(path, values.force);
    const { bytes } = await sonna.download(part, path, onBytes);
    return { line: `${path} (${part.generations} generations)`, bytes, result: { path, generations: part.generations, bytes } };
  }, (part) => part.path);
  for (const id of notFound) io.stderr.write(`failed: ${id}: no such generation\n`);
  if (notCompleted > 0) io.stderr.write(`skipped: ${notCompleted} generation${notCompleted === 1 ? "" : "s"} not completed (pending or failed: no audio to export)\n`);
  if (values.json) printJson(io, { job, files: report.done, failed: report.failed.map(({ item, error }) => ({ path: item, error })), not_found: notFound, not_completed: notCompleted, interrupted: report.interrupted });
  return exitOf(report, notFound.length + notCompleted);
}

/** One archive to import: a file, or one generation of a bulk export part. */
type ImportItem = { path: string; generation?: BulkGeneration };

async function importArchives({ sonna, args, values, io }: Command): Promise<number> {
  if (args.length === 0) throw new UsageError("Give one or more ZIP files.");
  const items: ImportItem[] = [];
  for (const path of args) {
    const bulk = await bulkGenerations(path);
    if (bulk) items.push(...bulk.map((generation) => ({ path, generation })));
    else items.push({ path });
  }
  const nameOf = (item: ImportItem) => (item.generation ? `${item.path} (generation ${item.generation.id})` : item.path);
  const report = await forEach(io, "import", items, async (item, onBytes) => {
    const archive = item.generation ? await generationArchive(item.path, item.generation) : item.path;
    const bytes = typeof archive === "string" ? await sizeOf(archive) : archive.byteLength;
    const generation = await sonna.importArchive(archive, { ...(values.profile ? { profile_id: values.profile } : {}), onProgress: onBytes });
    return { line: `${nameOf(item)} -> ${generation.id}`, bytes, result: generation };
  }, nameOf);
  if (values.json) printJson(io, { imported: report.done, failed: report.failed.map(({ item, error }) => ({ archive: item, error })), interrupted: report.interrupted });
  return exitOf(report);
}

const sizeOf = (path: string) =>
  stat(path).then(
    (s) => s.size,
    () => {
      throw new ItemFailure(`cannot read ${path}`);
    },
  );

async function stats({ sonna, values, io }: Command): Promise<number> {
  const [s, { items: profiles }] = await Promise.all([data(sonna.api.GET("/history/stats")), data(sonna.api.GET("/profiles"))]);
  const nameOf = new Map(profiles.map((p) => [p.id, p.name]));
  if (values.json) {
    io.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
    return EXIT.done;
  }
  const byStatus = Object.entries(s.generations_by_status).map(([k, v]) => `${k} ${v}`).join(", ");
  const lines = [
    `generations: ${s.total_generations} (${byStatus}), ${s.favorites} favorites`,
    `duration: ${(s.total_duration_seconds / 60).toFixed(1)} min`,
    `stored: ${(s.quota.used_bytes / 1_048_576).toFixed(1)} MB${s.quota.quota_bytes === null ? "" : ` of ${(s.quota.quota_bytes / 1_048_576).toFixed(1)} MB`}`,
    `trash: ${s.trash.generations} generations, ${(s.trash.bytes / 1_048_576).toFixed(1)} MB`,
    ...Object.entries(s.profiles).map(
      ([id, p]) => `profile ${printable(nameOf.get(id) ?? "(deleted)")} (${id}): ${p.generations}, ${(p.duration_seconds / 60).toFixed(1)} min, ${(p.bytes / 1_048_576).toFixed(1)} MB`,
    ),
    ...Object.entries(s.by_engine).map(([engine, e]) => `engine ${engine}: ${e.generations}`),
    ...Object.entries(s.by_language).map(([language, l]) => `language ${language}: ${l.generations}`),
  ];
  io.stdout.write(`${lines.join("\n")}\n`);
  return EXIT.done;
}

const COMMANDS: Record<string, (command: Command) => Promise<number>> = {
  ls: (command) => list(command),
  search: (command) => list(command, oneArgument(command.args, "search text")),
  get,
  download,
  export: exportArchives,
  import: importArchives,
  stats,
  "import-voicebox": importVoicebox,
  backup,
};
