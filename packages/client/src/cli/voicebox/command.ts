/**
 * `sonna-history import-voicebox <data-dir>`: moves a Voicebox desktop history in. Each completed
 * generation comes in as one archive import (see archive.ts), each failed one as a
 * created-then-failed generation.
 *
 * A second run creates nothing twice, and a run cut short resumes, with no state kept beside the
 * history: before importing, the run lists what the account holds and counts it by identity (a
 * completed generation by its creation time and text, which the import keeps exactly; a failed one
 * by its text and error), and a Voicebox row whose identity is still counted in its profile is
 * taken as imported. A generation deleted here is no longer counted, so a later run brings it back.
 *
 * Profiles are matched by what they hold, not by their name alone, since a name can change here: a
 * Voicebox profile goes to the profile holding most of its generations already; one with nothing
 * imported yet goes to the profile of the same name (as the API compares names: trimmed, any case),
 * or to a new one. Rows whose audio is missing or unreadable are skipped and listed at the end.
 */
import { data } from "../../api.js";
import { SonnaApiError } from "../../errors.js";
import type { components } from "../../schema.js";
import { EXIT, oneArgument, printJson, UsageError, type Command } from "../command.js";
import { progressReporter } from "../progress.js";
import { packGeneration, planGeneration, voiceboxInstant, type Packed } from "./archive.js";
import { readVoiceboxHistory, VOICEBOX_DB, type VoiceboxGeneration, type VoiceboxHistory } from "./database.js";
import { audioLocator } from "./paths.js";

type Generation = components["schemas"]["Generation"];

/** A Voicebox row (or one of its versions, named in `reason`) left out, and why. */
interface Left {
  voicebox_id: string;
  text: string;
  reason: string;
}

interface Outcome {
  imported: { voicebox_id: string; id: string }[];
  already: number;
  skipped: Left[];
  failed: Left[];
  /** Stopped by Ctrl-C before the rows after `imported` and `already` were tried. */
  interrupted: boolean;
}

export async function importVoicebox({ sonna, args, values, io }: Command): Promise<number> {
  const dataDir = oneArgument(args, "Voicebox data directory");
  const history = await readVoiceboxHistory(dataDir).catch((error: Error) => {
    throw new UsageError(`Cannot read ${VOICEBOX_DB} in ${dataDir}: ${error.message}`);
  });
  const locator = await audioLocator(dataDir);
  const held = await heldNow(sonna);
  const profileIds = await matchProfiles(sonna, history, held.places);
  const counted = held.counts;
  const outcome: Outcome = { imported: [], already: 0, skipped: [], failed: [], interrupted: false };
  const progress = progressReporter(io.stderr, "import-voicebox", history.generations.length);
  for (const generation of history.generations) {
    if (io.signal?.aborted) {
      outcome.interrupted = true;
      break;
    }
    const name = `${generation.id} "${excerpt(generation.text)}"`;
    const left = (reason: string): Left => ({ voicebox_id: generation.id, text: excerpt(generation.text), reason });
    const skip = (reason: string) => {
      outcome.skipped.push(left(reason));
      progress.item(`skipped ${name}`);
    };
    const profile = profileIds.get(generation.profile_id);
    if (profile === undefined || profile instanceof SonnaApiError) {
      skip(profile ? `its profile could not be created: ${profile.message}` : `its profile ${generation.profile_id} is not in ${VOICEBOX_DB}`);
      continue;
    }
    const plan = generation.status === "completed" ? await planGeneration(generation, locator) : undefined;
    const profileId = profile.id;
    if (take(counted, voiceboxIdentity(profileId, generation))) {
      outcome.already++;
      if (plan?.kind === "plan") outcome.skipped.push(...plan.skippedVersions.map(left));
      progress.item(`already imported ${name}`);
      continue;
    }
    let packed: Packed | undefined;
    try {
      if (plan === undefined) {
        const failed = await importFailed(sonna, profileId, generation);
        outcome.imported.push({ voicebox_id: generation.id, id: failed.id });
        progress.item(`${name} -> ${failed.id} (failed in Voicebox)`);
        continue;
      }
      packed = plan.kind === "plan" ? await packGeneration(generation, plan, profile.language) : plan;
      if (packed.kind === "skip") {
        skip(packed.reason);
        continue;
      }
      const imported = await sonna.importArchive(packed.zip, { profile_id: profileId, onProgress: (sent) => progress.bytes(sent) });
      outcome.skipped.push(...packed.skippedVersions.map(left));
      outcome.imported.push({ voicebox_id: generation.id, id: imported.id });
      progress.item(`${name} -> ${imported.id}`, packed.zip.byteLength);
    } catch (error) {
      if (!(error instanceof SonnaApiError) || error.status === 401 || error.status === 403) throw error;
      const unreadable = packed?.kind === "archive" ? unreadableAudio(error, packed.sources) : undefined;
      if (unreadable) {
        skip(unreadable);
        continue;
      }
      outcome.failed.push(left(error.message));
      progress.item(`failed ${name}`);
    }
  }
  progress.done();
  return summarize(outcome, values.json === true, io);
}

type Target = Pick<components["schemas"]["Profile"], "id" | "language">;

/** The name as the API compares names (profile.name_taken): trimmed, in any case. */
const nameKey = (name: string) => name.trim().toLowerCase();

/**
 * Each Voicebox profile's profile here, or why it has none: the one holding most of its
 * generations (`places`: where each identity is held), else the one of the same name, else a new one.
 */
async function matchProfiles(sonna: Command["sonna"], history: VoiceboxHistory, places: Map<string, string[]>): Promise<Map<string, Target | SonnaApiError>> {
  const existing = (await data(sonna.api.GET("/profiles"))).items;
  const byId = new Map(existing.map((p) => [p.id, p]));
  const byName = new Map(existing.map((p) => [nameKey(p.name), p]));
  const ids = new Map<string, Target | SonnaApiError>();
  for (const profile of history.profiles) {
    const votes = new Map<string, number>();
    for (const g of history.generations) {
      // Completed rows only: their identity has the creation time, so it is this row's alone.
      if (g.profile_id !== profile.id || g.status !== "completed") continue;
      for (const id of places.get(placeIdentity(g)) ?? []) votes.set(id, (votes.get(id) ?? 0) + 1);
    }
    const [holder] = [...votes].filter(([id]) => byId.has(id)).sort((a, b) => b[1] - a[1]);
    let target: Target | undefined = holder ? byId.get(holder[0]) : byName.get(nameKey(profile.name));
    if (target === undefined) {
      const body = { name: profile.name, description: profile.description, language: profile.language };
      try {
        const created = await data(sonna.api.POST("/profiles", { body }));
        byName.set(nameKey(created.name), created);
        target = created;
      } catch (error) {
        if (!(error instanceof SonnaApiError) || error.status === 401 || error.status === 403) throw error;
        ids.set(profile.id, error);
        continue;
      }
    }
    ids.set(profile.id, { id: target.id, language: target.language });
  }
  return ids;
}

/**
 * What a generation is recognised by once imported, in any profile. A completed one keeps its
 * creation time to the millisecond; a failed one is created anew (the API sets a creation time
 * only with audio), so its text and error stand for it.
 */
const placeKey = (completed: boolean, text: string, createdAt: string | null, error: string | null) =>
  JSON.stringify(completed ? ["completed", createdAt, text] : ["failed", text, error]);

const placeIdentity = (g: VoiceboxGeneration) => placeKey(g.status === "completed", g.text, voiceboxInstant(g.created_at), g.error ?? failedError(g.status));

/** The same within one profile: what a row is counted against. */
const voiceboxIdentity = (profileId: string, g: VoiceboxGeneration) => JSON.stringify([profileId, placeIdentity(g)]);

/** How many generations of each identity each profile holds now, and which profiles hold each identity. */
async function heldNow(sonna: Command["sonna"]): Promise<{ counts: Map<string, number>; places: Map<string, string[]> }> {
  const counts = new Map<string, number>();
  const places = new Map<string, string[]>();
  for await (const g of sonna.generations({ limit: 200 })) {
    if (g.status === "pending") continue;
    const place = placeKey(g.status === "completed", g.text, g.created_at, g.error);
    const key = JSON.stringify([g.profile_id, place]);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    places.set(place, [...(places.get(place) ?? []), g.profile_id]);
  }
  return { counts, places };
}

function take(counts: Map<string, number>, identity: string): boolean {
  const left = counts.get(identity) ?? 0;
  if (left === 0) return false;
  counts.set(identity, left - 1);
  return true;
}

/**
 * Why the service refused a file of the archive as audio (a WAV header that lies, say), naming the
 * Voicebox file rather than the archive's entry: such a row is skipped, like one that is not a WAV.
 */
function unreadableAudio(error: SonnaApiError, sources: Record<string, string>): string | undefined {
  const match = error.code === "archive.audio_invalid" ? /^"([^"]+)": ([\s\S]*)$/.exec(error.detail) : null;
  const path = match && sources[match[1]!];
  return path ? `its audio ${path} is not a readable WAV (${match![2]})` : undefined;
}

/** A Voicebox row that never completed: created and failed with its error, under a key that makes a retry answer the same one. */
async function importFailed(sonna: Command["sonna"], profileId: string, g: VoiceboxGeneration): Promise<Generation> {
  const created = await data(
    sonna.api.POST("/history", {
      // No language: the API gives the profile's (Voicebox left it empty).
      body: { profile_id: profileId, text: g.text, ...(g.language ? { language: g.language } : {}), seed: g.seed, instruct: g.instruct, engine: g.engine, model_size: g.model_size },
      params: { header: { "idempotency-key": `voicebox-${g.id}` } },
    }),
  );
  if (created.generation.status === "failed") return created.generation;
  return data(sonna.api.POST("/history/{id}/fail", { params: { path: { id: created.generation.id } }, body: { error: g.error ?? failedError(g.status) } }));
}

const failedError = (status: string) => `Voicebox left this generation ${status}.`;

const excerpt = (text: string) => (text.length > 40 ? `${text.slice(0, 39)}…` : text).replace(/\s+/g, " ");

function summarize(outcome: Outcome, json: boolean, io: Command["io"]): number {
  const { imported, already, skipped, failed, interrupted } = outcome;
  for (const row of skipped) io.stderr.write(`skipped: ${row.voicebox_id} "${row.text}": ${row.reason}\n`);
  for (const row of failed) io.stderr.write(`failed: ${row.voicebox_id} "${row.text}": ${row.reason}\n`);
  io.stderr.write(
    `import-voicebox: ${imported.length} imported, ${already} already imported, ${skipped.length} skipped, ${failed.length} failed${interrupted ? " (interrupted: run it again for the rest)" : ""}\n`,
  );
  if (json) printJson(io, outcome);
  return interrupted ? EXIT.interrupted : skipped.length + failed.length > 0 ? EXIT.itemsFailed : EXIT.done;
}
