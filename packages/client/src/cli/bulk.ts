/**
 * A bulk export's ZIP part (`POST /history/exports`: `index.json`, then a folder per generation
 * holding its generation.json, audio.wav and versions) as archives `POST /history/import` takes.
 * The service imports one generation per archive, so `import` splits a part: each folder becomes
 * a single-generation archive, read from the part one at a time (a part may be gigabytes).
 */
import { zipSync, type Zippable } from "fflate";
import yauzl from "yauzl";

const BULK_INDEX = "index.json";
const BULK_FORMAT = "sonna-history-bulk";

export interface BulkGeneration {
  id: string;
  /** Its folder in the part, ending in `/`. */
  folder: string;
}

/** The generations a bulk export part holds, from its index; undefined for any other file (left to the service to judge). */
export async function bulkGenerations(path: string): Promise<BulkGeneration[] | undefined> {
  try {
    for await (const entry of entriesOf(path, (name) => name === BULK_INDEX)) {
      const index = JSON.parse(Buffer.from(entry.bytes).toString("utf8")) as { format?: unknown; generations?: { id: string; folder: string }[] };
      if (index.format !== BULK_FORMAT || !Array.isArray(index.generations)) return undefined;
      return index.generations.map(({ id, folder }) => ({ id, folder }));
    }
  } catch {
    // Not a ZIP that can be read here: the service says what is wrong with it.
  }
  return undefined;
}

/** One generation of a bulk part as its own archive: its folder's entries, at the root. */
export async function generationArchive(path: string, generation: BulkGeneration): Promise<Uint8Array> {
  const files: Zippable = {};
  for await (const entry of entriesOf(path, (name) => name.startsWith(generation.folder) && !name.endsWith("/"))) {
    files[entry.name.slice(generation.folder.length)] = [entry.bytes, { level: 0 }];
  }
  return zipSync(files);
}

/** The entries whose names `wanted` picks, with their bytes, in archive order. */
async function* entriesOf(path: string, wanted: (name: string) => boolean): AsyncGenerator<{ name: string; bytes: Uint8Array }> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
  try {
    for (;;) {
      const entry = await nextEntry(zip);
      if (entry === undefined) return;
      if (!wanted(entry.fileName)) continue;
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      yield { name: entry.fileName, bytes: new Uint8Array(Buffer.concat(chunks)) };
    }
  } finally {
    zip.close();
  }
}

/** The next entry of a `lazyEntries` ZIP, or undefined after the last. */
function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const settle = (error: Error | undefined, entry?: yauzl.Entry) => {
      zip.off("entry", onEntry).off("end", onEnd).off("error", onError);
      if (error) reject(error);
      else resolve(entry);
    };
    const onEntry = (entry: yauzl.Entry) => settle(undefined, entry);
    const onEnd = () => settle(undefined);
    const onError = (error: Error) => settle(error);
    zip.on("entry", onEntry).on("end", onEnd).on("error", onError);
    zip.readEntry();
  });
}
