import * as v from "valibot";
import { about, count, instant, named, nullableInt } from "./named";

export const jobTypes = ["profile.delete", "history.delete", "history.export", "reconcile", "retention", "trash.purge", "archive", "audio.restore", "search.compact", "audio.transcode"] as const;
export type JobType = (typeof jobTypes)[number];

export const JobSchema = named(
  "Job",
  v.object({
    id: v.string(),
    type: v.picklist(jobTypes),
    status: v.picklist(["queued", "running", "succeeded", "failed"]),
    progress: v.object({ done: count, total: nullableInt }),
    result: about(v.nullable(v.record(v.string(), v.unknown())), "What the job produced, e.g. a download URL."),
    error: v.nullable(v.string()),
    attempts: count,
    created_at: instant,
    updated_at: instant,
  }),
);
export type Job = v.InferOutput<typeof JobSchema>;
export type JobStatus = Job["status"];
export type JobProgress = Job["progress"];
