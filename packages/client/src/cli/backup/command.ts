/**
 * `sonna-history backup <dir>`: a folder mirror of the history (layout.ts), kept up to date
 * through the change feed. The first run (and a run whose cursor the feed no longer keeps, 410)
 * takes a cursor with `from=now`, lists everything and writes what the folder lacks or holds
 * differently; later runs read the feed from the saved cursor and fetch only what changed. The
 * cursor is saved after everything it covers is on disk, so a run cut short is simply run again:
 * what it wrote already compares equal and is not fetched twice.
 *
 * Deleted generations are removed, and so are trashed ones (the feed reports a move to the trash
 * as a delete): the mirror holds what the history lists. A restore brings them back.
 */
import { stat } from "node:fs/promises";
import { unzipSync, strFromU8 } from "fflate";
import { data } from "../../api.js";
import { SonnaApiError } from "../../errors.js";
import { ConfigError, EXIT, oneArgument, printJson, type Command } from "../command.js";
import { progressReporter } from "../progress.js";
import { generationFields, type Generation, type Profile } from "./layout.js";
import { loadCursor, neededWrite, pruneFolders, putGeneration, putProfile, removeGeneration, removeProfile, saveCursor, scanMirror, type AudioSet, type Mirror } from "./mirror.js";

interface Report {
  full: boolean;
  /** Generations whose audio was downloaded. */
  fetched: string[];
  /** Generations whose sidecar alone was rewritten. */
  updated: string[];
  removed: string[];
  /** Generations deleted or changed again while this run read them: the feed brings their new state next time. */
  deferred: string[];
  failed: string[];
  /** Stopped by Ctrl-C: the cursor is not saved, and the next run goes on from the last saved one. */
  interrupted: boolean;
}

/** Generations to write (their state now) or to remove (null), by id. */
type Work = Map<string, Generation | null>;

export async function backup({ sonna, args, values, io }: Command): Promise<number> {
  const dir = oneArgument(args, "backup folder");
  if (await stat(dir).then((s) => !s.isDirectory(), () => false)) throw new ConfigError(`${dir} is a file, not a folder: give a folder for the backup.`);
  const mirror = await scanMirror(dir);
  const saved = await loadCursor(dir);
  let cursor: string;
  let work: Work;
  let full = saved === undefined;
  try {
    ({ cursor, work } = full ? await fullListing(sonna, mirror) : await changesSince(sonna, mirror, saved!));
  } catch (error) {
    // A cursor is bound to the account that took it: this folder is another account's backup.
    if (error instanceof SonnaApiError && error.code === "request.invalid_cursor" && saved !== undefined) {
      throw new ConfigError(`${dir} holds another account's backup (its saved cursor is not this account's); nothing was changed. Back this account up into another folder.`);
    }
    if (!(error instanceof SonnaApiError && error.status === 410)) throw error;
    io.stderr.write("backup: the change feed no longer reaches this backup's cursor; comparing the whole history\n");
    full = true;
    ({ cursor, work } = await fullListing(sonna, mirror));
  }
  const report = await apply(sonna, mirror, work, full, io);
  await pruneFolders(mirror);
  if (report.failed.length === 0 && !report.interrupted) await saveCursor(dir, cursor);
  for (const line of report.failed) io.stderr.write(`failed: ${line}\n`);
  io.stderr.write(
    `backup: ${report.fetched.length} fetched, ${report.updated.length} updated, ${report.removed.length} removed, ` +
      `${report.deferred.length} changed meanwhile (next run), ${report.failed.length} failed` +
      `${report.failed.length ? "; the next run tries them again" : ""}${report.interrupted ? "; interrupted: the next run goes on" : ""}\n`,
  );
  if (values.json) printJson(io, report);
  return report.interrupted ? EXIT.interrupted : report.failed.length > 0 ? EXIT.itemsFailed : EXIT.done;
}

/** A cursor taken before listing (so nothing committed during the listing is missed), and every generation and profile now. */
async function fullListing(sonna: Command["sonna"], mirror: Mirror): Promise<{ cursor: string; work: Work }> {
  const { next_cursor: cursor } = await data(sonna.api.GET("/history/changes", { params: { query: { from: "now" } } }));
  const profiles = (await data(sonna.api.GET("/profiles"))).items;
  await applyProfiles(mirror, new Map<string, Profile | null>([...[...mirror.profiles.keys()].map((id) => [id, null] as const), ...profiles.map((p) => [p.id, p] as const)]));
  const work: Work = new Map([...mirror.generations.keys()].map((id) => [id, null]));
  for await (const g of sonna.generations({ limit: 200 })) work.set(g.id, generationFields(g));
  return { cursor, work };
}

/** Every change after `cursor`, the last state of each generation kept; profiles are applied at once. */
async function changesSince(sonna: Command["sonna"], mirror: Mirror, cursor: string): Promise<{ cursor: string; work: Work }> {
  const profiles = new Map<string, Profile | null>();
  const work: Work = new Map();
  let last = cursor;
  for await (const page of sonna.changePages({ cursor, limit: 1000 })) {
    for (const change of page.changes) {
      if (change.type === "profile.upserted" || change.type === "profile.deleted") profiles.set(change.id, change.data as Profile | null);
      else work.set(change.id, change.data as Generation | null);
    }
    last = page.next_cursor;
  }
  await applyProfiles(mirror, profiles);
  return { cursor: last, work };
}

async function applyProfiles(mirror: Mirror, profiles: Map<string, Profile | null>): Promise<void> {
  for (const [id, profile] of profiles) {
    if (profile) await putProfile(mirror, profile);
    else await removeProfile(mirror, id);
  }
}

async function apply(sonna: Command["sonna"], mirror: Mirror, work: Work, full: boolean, io: Command["io"]): Promise<Report> {
  const report: Report = { full, fetched: [], updated: [], removed: [], deferred: [], failed: [], interrupted: false };
  const todo = [...work].filter(([id, g]) => (g === null ? mirror.generations.has(id) : neededWrite(mirror, g) !== "none"));
  const progress = progressReporter(io.stderr, "backup", todo.length);
  for (const [id, generation] of todo) {
    if (io.signal?.aborted) {
      report.interrupted = true;
      break;
    }
    try {
      if (generation === null) {
        await removeGeneration(mirror, id);
        report.removed.push(id);
        progress.item(`removed ${id}`);
      } else if (neededWrite(mirror, generation) === "sidecar") {
        await putGeneration(mirror, generation, undefined);
        report.updated.push(id);
        progress.item(`updated ${id}`);
      } else {
        const audio = await fetchAudio(sonna, id, (sent) => progress.bytes(sent));
        await putGeneration(mirror, generation, audio.set);
        report.fetched.push(id);
        progress.item(`fetched ${id}`, audio.bytes);
      }
    } catch (error) {
      if (!(error instanceof SonnaApiError) || error.status === 401 || error.status === 403) throw error;
      // The state read came before the cursor this run saves, so the change that made it stale is after it.
      if (error.code === "generation.not_found" || error.code === "generation.not_completed") {
        report.deferred.push(id);
        progress.item(`deferred ${id} (changed meanwhile)`);
        continue;
      }
      report.failed.push(`${id}: ${error.message}`);
      progress.item(`failed ${id}`);
    }
  }
  progress.done();
  return report;
}

/** The generation's export, unpacked: the original's audio and each processed version's, by version id. */
async function fetchAudio(sonna: Command["sonna"], id: string, onBytes: (sent: number) => void): Promise<{ set: AudioSet; bytes: number }> {
  const chunks: Uint8Array[] = [];
  const sink = new WritableStream<Uint8Array>({ write: (chunk) => void chunks.push(chunk) });
  const { bytes } = await sonna.download({ archive: id }, sink, onBytes);
  const entries = unzipSync(Buffer.concat(chunks));
  const manifest = JSON.parse(strFromU8(entries["generation.json"]!)) as { audio: string; versions: { id?: string; file: string }[] };
  const versions = new Map<string, Uint8Array>();
  for (const v of manifest.versions) if (v.id && v.file !== manifest.audio && entries[v.file]) versions.set(v.id, entries[v.file]!);
  return { set: { original: entries[manifest.audio]!, versions }, bytes };
}
