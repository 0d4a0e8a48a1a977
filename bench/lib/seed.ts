// Fills a tenant's history through core's own write paths, so items, aggregates and audio objects
// are exactly what the API would have made. Import this module only after the stack's env is set.
import { createGeneration } from "@sonna/core/generations/create";
import { setFavorite } from "@sonna/core/generations/favorite";
import { completeGeneration, failGeneration } from "@sonna/core/generations/lifecycle";
import { createProfile } from "@sonna/core/profiles/service";
import { makeWav } from "@sonna/core/wav/make";

export interface SeedOptions {
  generations: number;
  profiles?: number;
  /** Every n-th generation (i % n === 0) is completed with an uploaded WAV. */
  completeEvery?: number;
  /** i % n === 1 is marked failed. */
  failEvery?: number;
  /** i % n === 0 among completed ones is favorited. */
  favoriteEvery?: number;
  /** i % n === 5 carries RARE_WORD in its text. */
  rareEvery?: number;
  concurrency?: number;
  onProgress?: (message: string) => void;
}

export interface Seeded {
  profiles: string[];
  /** Every generation id, oldest first. */
  ids: string[];
  completed: string[];
  failed: string[];
  pending: string[];
  favorites: string[];
}

/** A word only every `rareEvery`-th text holds. */
export const RARE_WORD = "zebra";
/** A word no text holds (a search that matches nothing reads the whole history). */
export const ABSENT_WORD = "xylophone";

const WORDS =
  "the a voice studio morning evening river light quiet story chapter welcome please thank you bright calm narrator gentle wind over hills market city train window garden coffee letter promise".split(
    " ",
  );

/** Deterministic TTS-like text of 100-250 characters. */
export function textFor(i: number, rareEvery = 100): string {
  let seed = (i + 1) * 2654435761;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  const words: string[] = [`Line ${i}:`];
  const target = 100 + (next() % 150);
  while (words.join(" ").length < target) words.push(WORDS[next() % WORDS.length]!);
  if (i % rareEvery === 5) words.splice(3, 0, RARE_WORD);
  return `${words.join(" ")}.`;
}

/** A short real WAV (0.1 s, 24 kHz mono 16-bit, 4.8 KB), enough for complete to measure. */
export const smallWav = makeWav({ frames: 2400 });

export async function pool<T>(count: number, concurrency: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await work(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** PUTs bytes to a presigned upload URL (s3rver on loopback). */
export async function upload(url: string, body: Uint8Array = smallWav): Promise<void> {
  const response = await fetch(url, { method: "PUT", body, headers: { "content-type": "audio/wav" } });
  if (!response.ok) throw new Error(`upload to ${url} answered ${response.status}`);
  await response.arrayBuffer();
}

export async function seedTenant(tenant: string, options: SeedOptions): Promise<Seeded> {
  const {
    generations,
    profiles: profileCount = 5,
    completeEvery = 4,
    failEvery = 10,
    favoriteEvery = 5,
    rareEvery = 100,
    concurrency = 25,
    onProgress = () => {},
  } = options;
  const profiles: string[] = [];
  for (let p = 0; p < profileCount; p++) profiles.push((await createProfile(tenant, { name: `Voice ${p + 1}` })).id);

  const started = Date.now();
  let done = 0;
  // Ids are UUIDv7 from the creation millisecond, so sort them to get the history's order.
  const created = await pool(generations, concurrency, async (i) => {
    const { generation, upload: target } = await createGeneration(tenant, {
      // Sessions of 10 consecutive generations per voice, so a page of 50 spans 5 profiles and
      // the statuses (chosen by i below) spread over every profile.
      profile_id: profiles[Math.floor(i / 10) % profiles.length]!,
      text: textFor(i, rareEvery),
      language: i % 4 === 3 ? "de" : "en",
      engine: i % 3 === 2 ? "kokoro" : "qwen",
      seed: i,
    });
    if (++done % 1000 === 0) onProgress(`${done}/${generations} created (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    return { i, id: generation.id, url: target.url };
  });

  const toComplete = created.filter((c) => c.i % completeEvery === 0);
  const toFail = created.filter((c) => c.i % completeEvery !== 0 && c.i % failEvery === 1);
  done = 0;
  await pool(toComplete.length, concurrency, async (k) => {
    const c = toComplete[k]!;
    await upload(c.url);
    await completeGeneration(tenant, c.id);
    if (++done % 1000 === 0) onProgress(`${done}/${toComplete.length} completed (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  });
  await pool(toFail.length, concurrency, (k) => failGeneration(tenant, toFail[k]!.id, "bench: synthesis failed"));
  const toFavorite = toComplete.filter((c) => c.i % (completeEvery * favoriteEvery) === 0);
  await pool(toFavorite.length, concurrency, (k) => setFavorite(tenant, toFavorite[k]!.id, true));

  const completedSet = new Set(toComplete.map((c) => c.id));
  const failedSet = new Set(toFail.map((c) => c.id));
  const ids = created.map((c) => c.id).sort();
  return {
    profiles,
    ids,
    completed: ids.filter((id) => completedSet.has(id)),
    failed: ids.filter((id) => failedSet.has(id)),
    pending: ids.filter((id) => !completedSet.has(id) && !failedSet.has(id)),
    favorites: toFavorite.map((c) => c.id).sort(),
  };
}

export interface DirectSeed {
  generations: number;
  profiles?: number;
  /** Generations per transaction: records, the counters they move and one change-log item each. */
  batch?: number;
  concurrency?: number;
  onProgress?: (message: string) => void;
}

/**
 * A large history fast: the items create would make (`newGenerationItem`), written in batches
 * through the one write path every generation change takes (`generationTransaction`, sent with
 * `transactWithChanges`, so each generation gets its change-log item and the counters move), 40
 * to a transaction instead of one. Every 10th (i % 10 === 1) is failed and every 20th a favorite
 * from the start, as a later change would leave them; none has audio.
 */
export async function seedDirect(tenant: string, options: DirectSeed): Promise<{ profiles: string[]; ids: string[] }> {
  const { newGenerationItem } = await import("@sonna/core/generations/create");
  const { generationTransaction } = await import("@sonna/core/generations/writes");
  const { transactWithChanges } = await import("@sonna/core/changes/log");
  const { generations, profiles: profileCount = 5, batch = 40, concurrency = 8, onProgress = () => {} } = options;
  const profiles: string[] = [];
  for (let p = 0; p < profileCount; p++) profiles.push((await createProfile(tenant, { name: `Voice ${p + 1}` })).id);
  const started = Date.now();
  const base = started - generations;
  const ids: string[] = [];
  let done = 0;
  await pool(Math.ceil(generations / batch), concurrency, async (b) => {
    const items = Array.from({ length: Math.min(batch, generations - b * batch) }, (_, k) => {
      const i = b * batch + k;
      const item = newGenerationItem(
        tenant,
        {
          profile_id: profiles[Math.floor(i / 10) % profiles.length]!,
          text: textFor(i),
          language: i % 4 === 3 ? "de" : "en",
          engine: i % 3 === 2 ? "kokoro" : "qwen",
          seed: i,
        },
        base + i,
      );
      if (i % 10 === 1) Object.assign(item, { status: "failed", error: "bench: synthesis failed" });
      if (i % 20 === 0) item.is_favorited = true;
      return item;
    });
    const { items: writes, changes } = generationTransaction(tenant, items.map((after) => ({ before: null, after })));
    await transactWithChanges(tenant, writes, changes);
    ids.push(...items.map((item) => item.id));
    if ((done += items.length) % 10_000 < batch) onProgress(`${done}/${generations} written (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  });
  return { profiles, ids: ids.sort() };
}
