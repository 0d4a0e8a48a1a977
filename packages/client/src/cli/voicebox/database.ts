/**
 * Reads a Voicebox desktop history: `voicebox.db` in its data directory, tables `profiles`,
 * `generations` and `generation_versions` as jamiepine/voicebox `backend/database/models.py`
 * defines them. Older databases lack columns (status, is_favorited, engine, model_size) or the
 * versions table; what is absent takes Voicebox's own column default.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import initSqlJs, { type Database } from "sql.js";

export const VOICEBOX_DB = "voicebox.db";

export interface VoiceboxProfile {
  id: string;
  name: string;
  description: string | null;
  language: string;
}

export interface VoiceboxEffect {
  type: string;
  enabled?: boolean;
  params?: Record<string, string | number | boolean | null>;
}

export interface VoiceboxVersion {
  id: string;
  label: string;
  audio_path: string;
  /** The stored JSON text, parsed; null when the column is empty. Undefined when it does not parse. */
  effects_chain: VoiceboxEffect[] | null | undefined;
  is_default: boolean;
  created_at: string | null;
}

export interface VoiceboxGeneration {
  id: string;
  profile_id: string;
  text: string;
  /** Null when Voicebox left it empty: the generation then takes its profile's language, as POST /history does. */
  language: string | null;
  audio_path: string | null;
  seed: number | null;
  instruct: string | null;
  engine: string;
  model_size: string | null;
  status: string;
  error: string | null;
  is_favorited: boolean;
  created_at: string | null;
  /** Oldest first, as Voicebox lists them. */
  versions: VoiceboxVersion[];
}

export interface VoiceboxHistory {
  profiles: VoiceboxProfile[];
  /** Oldest first. */
  generations: VoiceboxGeneration[];
}

type Row = Record<string, unknown>;

/** Every profile, generation and version in `<dataDir>/voicebox.db`; throws when the file is not a readable database. */
export async function readVoiceboxHistory(dataDir: string): Promise<VoiceboxHistory> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(await readFile(join(dataDir, VOICEBOX_DB)));
  try {
    const versionsOf = new Map<string, VoiceboxVersion[]>();
    if (hasTable(db, "generation_versions")) {
      for (const row of rows(db, "SELECT * FROM generation_versions ORDER BY created_at, rowid")) {
        const list = versionsOf.get(String(row.generation_id)) ?? [];
        list.push({
          id: String(row.id),
          label: String(row.label ?? ""),
          audio_path: String(row.audio_path ?? ""),
          effects_chain: effectsChain(row.effects_chain),
          is_default: Boolean(row.is_default),
          created_at: text(row.created_at),
        });
        versionsOf.set(String(row.generation_id), list);
      }
    }
    return {
      profiles: rows(db, "SELECT * FROM profiles ORDER BY created_at, rowid").map((row) => ({
        id: String(row.id),
        name: String(row.name),
        description: text(row.description),
        language: text(row.language) ?? "en",
      })),
      generations: rows(db, "SELECT * FROM generations ORDER BY created_at, rowid").map((row) => ({
        id: String(row.id),
        profile_id: String(row.profile_id),
        text: String(row.text ?? ""),
        language: text(row.language),
        audio_path: text(row.audio_path),
        seed: typeof row.seed === "number" ? row.seed : null,
        instruct: text(row.instruct),
        engine: text(row.engine) ?? "qwen",
        model_size: text(row.model_size),
        status: text(row.status) ?? "completed",
        error: text(row.error),
        is_favorited: Boolean(row.is_favorited),
        created_at: text(row.created_at),
        versions: versionsOf.get(String(row.id)) ?? [],
      })),
    };
  } finally {
    db.close();
  }
}

function rows(db: Database, sql: string): Row[] {
  const statement = db.prepare(sql);
  try {
    const out: Row[] = [];
    while (statement.step()) out.push(statement.getAsObject());
    return out;
  } finally {
    statement.free();
  }
}

const hasTable = (db: Database, name: string) =>
  db.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]).length > 0;

/** A text column's value, null when it is empty or missing. */
const text = (value: unknown): string | null => (value === null || value === undefined || value === "" ? null : String(value));

function effectsChain(value: unknown): VoiceboxEffect[] | null | undefined {
  if (value === null || value === undefined || value === "") return null;
  try {
    const parsed: unknown = JSON.parse(String(value));
    return Array.isArray(parsed) && parsed.every((e) => typeof e === "object" && e !== null && typeof e.type === "string") ? (parsed as VoiceboxEffect[]) : undefined;
  } catch {
    return undefined;
  }
}
