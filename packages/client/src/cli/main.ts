/**
 * `sonna-history`: the history from a terminal or a script. Exit codes: 0 done, 1 done with items
 * reported as failed, 2 a usage, configuration or connection error.
 */
import { mkdir, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { data } from "../api.js";
import { createSonnaClient } from "../client.js";
import { SonnaApiError } from "../errors.js";
import type { components } from "../schema.js";
import { EXIT, ItemFailure, OPTIONS, oneArgument, UsageError, type Command, type Io, type Values } from "./command.js";
import { progressReporter } from "./progress.js";
import { bulkGenerations, generationArchive, type BulkGeneration } from "./bulk.js";
import { refuseExisting } from "./files.js";
import { table } from "./table.js";
import { importVoicebox } from "./voicebox/command.js";
import { backup } from "./backup/command.js";

export const USAGE = `Usage: sonna-history <command> [options]

Commands:
  ls                       list generations, newest first
  search <text>            list generations whose text contains <text>
  get <id>                 one generation
  download <id>...         each generation's audio into --out (a folder, default .) as <text>-<id>.wav
  export [<id>...]         a ZIP export of these generations (all, or those the filters pick) into --out
  import <zip>...          import archives: a generation's export, every generation of an
                           \`export\` part, a Voicebox export
  stats                    totals, by status, profile, engine and language
  import-voicebox <dir>    move a Voicebox desktop history in (its data directory, holding voicebox.db)
  backup <dir>             keep a folder mirror of the history; a second run fetches only what changed

Options:
  --url <url>      the API (default $SONNA_API_URL)
  --token <jwt>    a bearer token (default $SONNA_TOKEN)
  --json           machine-readable output (import-voicebox and backup: a report of what they did)
  --profile <id>   only this profile's generations (ls, search, export); import into it (import)
  --status <s>     pending, completed or failed (ls, search, export)
  --tag <tag>      only generations with this tag; repeat for several
  --favorites      only favorites
  --limit <n>      at most n rows (ls, search; default 50)
  --out <dir>      where downloads and exports go (default .)
  --force          replace files already in --out (download, export)
  -h, --help       this text

Exit codes: 0 done, 1 done with items reported as failed, 2 usage, configuration or connection errors.
`;

export async function main(argv: string[], io: Io): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    const [name, ...args] = positionals;
    if (values.help) {
      io.stdout.write(USAGE);
      return EXIT.done;
    }
    const run = name === undefined ? undefined : COMMANDS[name];
    if (!run) throw new UsageError(name === undefined ? "No command given." : `Unknown command "${name}".`);
    const url = values.url ?? io.env.SONNA_API_URL;
    const token = values.token ?? io.env.SONNA_TOKEN;
    if (!url || !token) throw new UsageError("Set the API and a token: --url and --token, or SONNA_API_URL and SONNA_TOKEN.");
    return await run({ sonna: createSonnaClient({ baseUrl: url, token }), args, values, io });
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (error instanceof SonnaApiError) {
      io.stderr.write(`${error.message}\n`);
      return error.status === 401 || error.status === 403 ? EXIT.usage : EXIT.itemsFailed;
    }
    // fetch's own failures: the API is not reachable.
    io.stderr.write(`Cannot reach the API: ${(error as Error).cause ?? (error as Error).message}\n`);
    return EXIT.usage;
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
  else for (const [key, value] of Object.entries(generation)) io.stdout.write(`${key}: ${typeof value === "object" && value !== null ? JSON.stringify(value) : String(value)}\n`);
  return EXIT.done;
}

/** Runs `each` over `items` with a progress report; a refused item is reported and the rest go on. */
async function forEach<T>(
  io: Io,
  label: string,
  items: T[],
  each: (item: T, onBytes: (sent: number) => void) => Promise<{ line: string; bytes: number }>,
  nameOf: (item: T) => string = String,
): Promise<number> {
  const progress = progressReporter(io.stderr, label, items.length);
  const failed: string[] = [];
  for (const item of items) {
    try {
      const { line, bytes } = await each(item, (sent) => progress.bytes(sent));
      progress.item(line, bytes);
    } catch (error) {
      const refused = error instanceof SonnaApiError && error.status !== 401 && error.status !== 403;
      if (!refused && !(error instanceof ItemFailure)) throw error;
      failed.push(`${nameOf(item)}: ${error.message}`);
      progress.item(`failed ${nameOf(item)}`);
    }
  }
  progress.done();
  for (const line of failed) io.stderr.write(`failed: ${line}\n`);
  io.stderr.write(`${label}: ${items.length - failed.length} done, ${failed.length} failed\n`);
  return failed.length > 0 ? EXIT.itemsFailed : EXIT.done;
}

async function download({ sonna, args, values, io }: Command): Promise<number> {
  if (args.length === 0) throw new UsageError("Give one or more generation ids.");
  const out = values.out ?? ".";
  await mkdir(out, { recursive: true });
  return forEach(io, "download", args, async (id, onBytes) => {
    const link = await sonna.audioLink(id);
    // The id keeps generations with the same text apart (the link is named from the text alone).
    const path = join(out, `${basename(link.filename, ".wav")}-${basename(id)}.wav`);
    await refuseExisting(path, values.force);
    const { bytes } = await sonna.download(link, path, onBytes);
    return { line: path, bytes };
  });
}

async function exportArchives({ sonna, args, values, io }: Command): Promise<number> {
  const out = values.out ?? ".";
  const selection = args.length > 0 ? { ids: args } : { filter: filters(values) };
  const started = await data(sonna.api.POST("/history/exports", { body: selection as components["schemas"]["BulkSelection"] }));
  const job = await sonna.waitForJob(started.id, {
    onProgress: (j) => {
      if (io.stderr.isTTY) io.stderr.write(`\rexport: ${j.status} ${j.progress.done}/${j.progress.total ?? "?"}\x1b[K`);
    },
  });
  if (io.stderr.isTTY) io.stderr.write("\n");
  if (job.status !== "succeeded") {
    io.stderr.write(`The export failed: ${job.error ?? "no reason given"}\n`);
    return EXIT.itemsFailed;
  }
  const result = job.result as { parts: (components["schemas"]["DownloadLink"] & { generations: number })[]; not_found?: string[] };
  await mkdir(out, { recursive: true });
  // Named after the job, so a second export into the same folder keeps the first's parts.
  const parts = result.parts.map((part, i) => ({ ...part, path: join(out, `sonna-history-export-${job.id}-part-${i + 1}.zip`) }));
  const code = await forEach(io, "export", parts, async (part, onBytes) => {
    const { path } = part;
    await refuseExisting(path, values.force);
    const { bytes } = await sonna.download(part, path, onBytes);
    return { line: `${path} (${part.generations} generations)`, bytes };
  }, (part) => part.path);
  for (const id of result.not_found ?? []) io.stderr.write(`failed: ${id}: no such generation\n`);
  if (values.json) io.stdout.write(`${JSON.stringify(job, null, 2)}\n`);
  return result.not_found?.length ? EXIT.itemsFailed : code;
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
  const imported: components["schemas"]["Generation"][] = [];
  const nameOf = (item: ImportItem) => (item.generation ? `${item.path} (generation ${item.generation.id})` : item.path);
  const code = await forEach(io, "import", items, async (item, onBytes) => {
    const archive = item.generation ? await generationArchive(item.path, item.generation) : item.path;
    const bytes = typeof archive === "string" ? await sizeOf(archive) : archive.byteLength;
    const generation = await sonna.importArchive(archive, { ...(values.profile ? { profile_id: values.profile } : {}), onProgress: onBytes });
    imported.push(generation);
    return { line: `${nameOf(item)} -> ${generation.id}`, bytes };
  }, nameOf);
  if (values.json) io.stdout.write(`${JSON.stringify(imported, null, 2)}\n`);
  return code;
}

const sizeOf = (path: string) =>
  stat(path).then(
    (s) => s.size,
    () => {
      throw new ItemFailure(`cannot read ${path}`);
    },
  );

async function stats({ sonna, values, io }: Command): Promise<number> {
  const s = await data(sonna.api.GET("/history/stats"));
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
