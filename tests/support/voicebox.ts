// A Voicebox desktop data directory made by a test: voicebox.db with the tables of jamiepine/voicebox
// backend/database/models.py (as SQLAlchemy creates them on SQLite) and the WAVs its rows name.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import initSqlJs from "sql.js";

// Columns and types as SQLAlchemy emits them for the models (String -> VARCHAR, DateTime -> DATETIME).
const SCHEMA = `
CREATE TABLE profiles (
  id VARCHAR NOT NULL, name VARCHAR NOT NULL, description TEXT, language VARCHAR, avatar_path VARCHAR,
  effects_chain TEXT, voice_type VARCHAR, preset_engine VARCHAR, preset_voice_id VARCHAR, design_prompt TEXT,
  default_engine VARCHAR, personality TEXT, created_at DATETIME, updated_at DATETIME,
  PRIMARY KEY (id), UNIQUE (name)
);
CREATE TABLE generations (
  id VARCHAR NOT NULL, profile_id VARCHAR NOT NULL, text TEXT NOT NULL, language VARCHAR, audio_path VARCHAR,
  duration FLOAT, seed INTEGER, instruct TEXT, engine VARCHAR, model_size VARCHAR, status VARCHAR, error TEXT,
  is_favorited BOOLEAN, source VARCHAR NOT NULL, created_at DATETIME,
  PRIMARY KEY (id), FOREIGN KEY(profile_id) REFERENCES profiles (id)
);
CREATE TABLE generation_versions (
  id VARCHAR NOT NULL, generation_id VARCHAR NOT NULL, label VARCHAR NOT NULL, audio_path VARCHAR NOT NULL,
  effects_chain TEXT, source_version_id VARCHAR, is_default BOOLEAN, created_at DATETIME,
  PRIMARY KEY (id), FOREIGN KEY(generation_id) REFERENCES generations (id),
  FOREIGN KEY(source_version_id) REFERENCES generation_versions (id)
);`;

export interface VoiceboxProfileRow {
  id: string;
  name: string;
  description?: string | null;
  language?: string;
}

export interface VoiceboxVersionRow {
  id: string;
  label: string;
  audio_path: string;
  effects_chain?: unknown[] | null;
  is_default?: boolean;
  created_at: string;
}

export interface VoiceboxGenerationRow {
  id: string;
  profile_id: string;
  text: string;
  /** Null stores SQL NULL (the column is nullable); left out, "en". */
  language?: string | null;
  /** As stored: relative, `data/`-prefixed, absolute, or null. */
  audio_path: string | null;
  seed?: number | null;
  instruct?: string | null;
  engine?: string;
  model_size?: string | null;
  status?: string;
  error?: string | null;
  is_favorited?: boolean;
  /** Python's naive isoformat with a space: `2025-03-01 10:11:12.345678`. */
  created_at: string;
  versions?: VoiceboxVersionRow[];
}

/** Writes `<dir>/voicebox.db` holding these rows, and each file of `files` (path relative to `dir`). */
export async function makeVoiceboxDataDir(
  dir: string,
  rows: { profiles: VoiceboxProfileRow[]; generations: VoiceboxGenerationRow[] },
  files: Record<string, Uint8Array>,
): Promise<void> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run(SCHEMA);
  for (const p of rows.profiles) {
    db.run("INSERT INTO profiles (id, name, description, language, voice_type, created_at, updated_at) VALUES (?, ?, ?, ?, 'cloned', '2025-01-01 00:00:00.000000', '2025-01-01 00:00:00.000000')", [
      p.id,
      p.name,
      p.description ?? null,
      p.language ?? "en",
    ]);
  }
  for (const g of rows.generations) {
    db.run(
      "INSERT INTO generations (id, profile_id, text, language, audio_path, duration, seed, instruct, engine, model_size, status, error, is_favorited, source, created_at) VALUES (?, ?, ?, ?, ?, 1.0, ?, ?, ?, ?, ?, ?, ?, 'manual', ?)",
      [g.id, g.profile_id, g.text, g.language === undefined ? "en" : g.language, g.audio_path, g.seed ?? null, g.instruct ?? null, g.engine ?? "qwen", g.model_size ?? null, g.status ?? "completed", g.error ?? null, g.is_favorited ? 1 : 0, g.created_at],
    );
    for (const v of g.versions ?? []) {
      db.run("INSERT INTO generation_versions (id, generation_id, label, audio_path, effects_chain, is_default, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", [
        v.id,
        g.id,
        v.label,
        v.audio_path,
        v.effects_chain ? JSON.stringify(v.effects_chain) : null,
        v.is_default ? 1 : 0,
        v.created_at,
      ]);
    }
  }
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "voicebox.db"), db.export());
  db.close();
  for (const [path, bytes] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), bytes);
  }
}
