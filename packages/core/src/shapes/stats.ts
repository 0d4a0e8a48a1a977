import * as v from "valibot";
import { about, count, named, nullableInt, seconds } from "./named";

const BreakdownSchema = v.object({ generations: count, duration_seconds: seconds });
const ProfileUsageSchema = v.object({ generations: count, duration_seconds: seconds, bytes: count });
export type Breakdown = v.InferOutput<typeof BreakdownSchema>;
export type ProfileUsage = v.InferOutput<typeof ProfileUsageSchema>;

export const StatsSchema = named(
  "Stats",
  v.object({
    total_generations: count,
    total_duration_seconds: seconds,
    total_bytes: count,
    favorites: count,
    generations_by_status: v.object({ pending: count, completed: count, failed: count }),
    generations_by_profile: v.record(v.string(), count),
    profiles: v.record(v.string(), ProfileUsageSchema),
    by_engine: v.record(v.string(), BreakdownSchema),
    by_language: v.record(v.string(), BreakdownSchema),
    archived_bytes: about(count, "Bytes stored as FLAC by archival compression (trash included, as `quota.used_bytes` counts it)."),
    bytes_saved: about(count, "What archival saves: the archived audio's WAV bytes minus its FLAC bytes (trash included)."),
    quota: v.object({ quota_bytes: nullableInt, profile_quota_bytes: nullableInt, used_bytes: count }),
    trash: about(
      v.object({ generations: count, bytes: count }),
      "What the trash holds. Everything else here counts the live history only; `quota.used_bytes` counts both, as quota_bytes does.",
    ),
    generations_per_day: about(
      v.array(v.object({ day: v.string(), generations: count, duration_seconds: seconds })),
      "The last 30 UTC days, oldest first, including days with none.",
    ),
  }),
);
export type Stats = v.InferOutput<typeof StatsSchema>;
