/**
 * `sonna-history import-voicebox <data-dir>`: moves a Voicebox desktop history in. Profiles are
 * matched by name (created when missing); each completed generation comes in as one archive import
 * (see archive.ts), each failed one as a created-then-failed generation.
 *
 * A second run creates nothing twice, and a run cut short resumes, with no state kept beside the
 * history: before importing, the run lists what each profile already holds and counts it by
 * identity (a completed generation by its creation time and text, which the import keeps exactly;
 * a failed one by its text and error), and a Voicebox row whose identity is still counted there is
 * taken as imported. Rows whose audio is missing or unreadable are skipped and listed at the end.
 */
import { data } from "../../api.js";
import { SonnaApiError } from "../../errors.js";
import type { components } from "../../schema.js";
import { EXIT, oneArgument, UsageError, type Command } from "../command.js";
import { progressReporter } from "../progress.js";
import { packGeneration, planGeneration, voiceboxInstant } from "./archive.js";
import { readVoiceboxHistory, VOICEBOX_DB, type VoiceboxGeneration, type VoiceboxProfile } from "./database.js";
import { audioLocator } from "./paths.js";

type Generation = components["schemas"]["Generation"];

interface Outcome {
  imported: { voicebox_id: string; id: string }[];
  already: number;
  skipped: string[];
  failed: string[];
}

export async function importVoicebox({ sonna, args, values, io }: Command): Promise<number> {
  const dataDir = oneArgument(args, "Voicebox data directory");
  const history = await readVoiceboxHistory(dataDir).catch((error: Error) => {
    throw new UsageError(`Cannot read ${VOICEBOX_DB} in ${dataDir}: ${error.message}`);
  });
  const locator = await audioLocator(dataDir);
  const profileIds = await matchProfiles(sonna, history.profiles);
  const counted = await importedSoFar(sonna, [...profileIds.values()].filter((id) => typeof id === "string"));
  const outcome: Outcome = { imported: [], already: 0, skipped: [], failed: [] };
  const progress = progressReporter(io.stderr, "import-voicebox", history.generations.length);
  for (const generation of history.generations) {
    const name = `${generation.id} "${excerpt(generation.text)}"`;
    const profileId = profileIds.get(generation.profile_id);
    if (typeof profileId !== "string") {
      const why = profileId ? `its profile could not be created: ${profileId.message}` : `its profile ${generation.profile_id} is not in ${VOICEBOX_DB}`;
      outcome.skipped.push(`${name}: ${why}`);
      progress.item(`skipped ${name}`);
      continue;
    }
    const plan = generation.status === "completed" ? await planGeneration(generation, locator) : undefined;
    if (take(counted, voiceboxIdentity(profileId, generation))) {
      outcome.already++;
      if (plan?.kind === "plan") outcome.skipped.push(...plan.skippedVersions.map((line) => `${name}: ${line}`));
      progress.item(`already imported ${name}`);
      continue;
    }
    try {
      if (plan === undefined) {
        const failed = await importFailed(sonna, profileId, generation);
        outcome.imported.push({ voicebox_id: generation.id, id: failed.id });
        progress.item(`${name} -> ${failed.id} (failed in Voicebox)`);
        continue;
      }
      const packed = plan.kind === "plan" ? await packGeneration(generation, plan) : plan;
      if (packed.kind === "skip") {
        outcome.skipped.push(`${name}: ${packed.reason}`);
        progress.item(`skipped ${name}`);
        continue;
      }
      outcome.skipped.push(...packed.skippedVersions.map((line) => `${name}: ${line}`));
      const imported = await sonna.importArchive(packed.zip, { profile_id: profileId, onProgress: (sent) => progress.bytes(sent) });
      outcome.imported.push({ voicebox_id: generation.id, id: imported.id });
      progress.item(`${name} -> ${imported.id}`, packed.zip.byteLength);
    } catch (error) {
      if (!(error instanceof SonnaApiError) || error.status === 401 || error.status === 403) throw error;
      outcome.failed.push(`${name}: ${error.message}`);
      progress.item(`failed ${name}`);
    }
  }
  progress.done();
  return summarize(outcome, values.json === true, io);
}

/** Each Voicebox profile's id here (the profile of the same name, or a new one), or why it has none. */
async function matchProfiles(sonna: Command["sonna"], profiles: VoiceboxProfile[]): Promise<Map<string, string | SonnaApiError>> {
  const byName = new Map((await data(sonna.api.GET("/profiles"))).items.map((p) => [p.name.trim(), p.id]));
  const ids = new Map<string, string | SonnaApiError>();
  for (const profile of profiles) {
    let id = byName.get(profile.name.trim());
    if (id === undefined) {
      const body = { name: profile.name, description: profile.description, language: profile.language };
      try {
        id = (await data(sonna.api.POST("/profiles", { body }))).id;
      } catch (error) {
        if (!(error instanceof SonnaApiError) || error.status === 401 || error.status === 403) throw error;
        ids.set(profile.id, error);
        continue;
      }
      byName.set(profile.name.trim(), id);
    }
    ids.set(profile.id, id);
  }
  return ids;
}

/**
 * What a generation is recognised by once imported. A completed one keeps its creation time to
 * the millisecond; a failed one is created anew (the API sets a creation time only with audio),
 * so its text and error stand for it.
 */
const identity = (profileId: string, completed: boolean, text: string, createdAt: string | null, error: string | null) =>
  JSON.stringify(completed ? [profileId, "completed", createdAt, text] : [profileId, "failed", text, error]);

const voiceboxIdentity = (profileId: string, g: VoiceboxGeneration) =>
  identity(profileId, g.status === "completed", g.text, voiceboxInstant(g.created_at), g.error ?? failedError(g.status));

/** How many generations of each identity the profiles hold now. */
async function importedSoFar(sonna: Command["sonna"], profileIds: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const profileId of new Set(profileIds)) {
    for await (const g of sonna.generations({ profile_id: profileId, limit: 200 })) {
      if (g.status === "pending") continue;
      const key = identity(profileId, g.status === "completed", g.text, g.created_at, g.error);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

function take(counts: Map<string, number>, identity: string): boolean {
  const left = counts.get(identity) ?? 0;
  if (left === 0) return false;
  counts.set(identity, left - 1);
  return true;
}

/** A Voicebox row that never completed: created and failed with its error, under a key that makes a retry answer the same one. */
async function importFailed(sonna: Command["sonna"], profileId: string, g: VoiceboxGeneration): Promise<Generation> {
  const created = await data(
    sonna.api.POST("/history", {
      body: { profile_id: profileId, text: g.text, language: g.language, seed: g.seed, instruct: g.instruct, engine: g.engine, model_size: g.model_size },
      params: { header: { "idempotency-key": `voicebox-${g.id}` } },
    }),
  );
  if (created.generation.status === "failed") return created.generation;
  return data(sonna.api.POST("/history/{id}/fail", { params: { path: { id: created.generation.id } }, body: { error: g.error ?? failedError(g.status) } }));
}

const failedError = (status: string) => `Voicebox left this generation ${status}.`;

const excerpt = (text: string) => (text.length > 40 ? `${text.slice(0, 39)}…` : text).replace(/\s+/g, " ");

function summarize(outcome: Outcome, json: boolean, io: Command["io"]): number {
  const { imported, already, skipped, failed } = outcome;
  for (const line of skipped) io.stderr.write(`skipped: ${line}\n`);
  for (const line of failed) io.stderr.write(`failed: ${line}\n`);
  io.stderr.write(`import-voicebox: ${imported.length} imported, ${already} already imported, ${skipped.length} skipped, ${failed.length} failed\n`);
  if (json) io.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
  return skipped.length + failed.length > 0 ? EXIT.itemsFailed : EXIT.done;
}
