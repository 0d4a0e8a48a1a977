// Generated from the API's OpenAPI document by packages/client/scripts/schema.ts: do not edit.

export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Whether the API answers */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/profiles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List profiles, oldest first */
        get: operations["getProfiles"];
        put?: never;
        /** Create a voice profile */
        post: operations["postProfiles"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/profiles/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a profile */
        get: operations["getProfilesById"];
        put?: never;
        post?: never;
        /**
         * Delete a profile with all its generations and their audio
         * @description The profile disappears at once; a job deletes its generations and audio. Follow `GET /jobs/{id}`.
         */
        delete: operations["deleteProfilesById"];
        options?: never;
        head?: never;
        /** Change a profile's name, description or language */
        patch: operations["patchProfilesById"];
        trace?: never;
    };
    "/history/changes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The change feed: every change to generations and profiles, in order
         * @description Follow it with the `next_cursor` each answer gives and a mirror never misses a committed change; one entity's changes come in commit order; a change may come twice (apply them idempotently). To start a mirror: take `?from=now`, list everything, then follow the feed from that cursor.
         */
        get: operations["getHistoryChanges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history/trash": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the trash, newest-deleted first
         * @description Generations deleted while `trash_days` (in /settings) was above 0, each with `deleted_at` and `purge_at`. They are gone from lists, search, stats and tag counts; their audio is kept and counts against `quota_bytes`. Page with `next_cursor`.
         */
        get: operations["getHistoryTrash"];
        put?: never;
        post?: never;
        /**
         * Empty the trash: purge every trashed generation and its audio
         * @description Runs as a job (follow `GET /jobs/{id}`; its result has `purged`). What is deleted after this request stays in the trash.
         */
        delete: operations["deleteHistoryTrash"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history/trash/{id}/restore": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Restore a trashed generation exactly as it was
         * @description Same id, fields, versions, favorite, tags and audio, counted in stats again. The optional body's `profile_id` restores it into that profile; without it, a generation whose profile was deleted is refused with 409 `profile.missing`.
         */
        post: operations["postHistoryTrashByIdRestore"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history/trash/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Purge one trashed generation and its audio now */
        delete: operations["deleteHistoryTrashById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List generations, newest first
         * @description `total` is exact. Page with `next_cursor` (cheap at any depth) or `offset` (reads every skipped item).
         */
        get: operations["getHistory"];
        put?: never;
        /**
         * Create a pending generation and get its upload URL
         * @description PUT the WAV bytes to `upload.url` (with `upload.headers`), then call `POST /history/{id}/complete`. The URL names an upload key, never the served audio: a PUT after completion changes nothing.
         */
        post: operations["postHistory"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Totals, read from aggregate items only */
        get: operations["getHistoryStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history/tags": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The tags in use, with how many generations carry each
         * @description Generations in the trash are not counted. Most used first, then by tag; read from one counter per tag.
         */
        get: operations["getHistoryTags"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history/failed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete every failed generation
         * @description With `trash_days` in /settings they go to the trash (`GET /history/trash`), as every delete does.
         */
        delete: operations["deleteHistoryFailed"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history/delete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Delete many generations: up to 1,000 ids, or every match of a filter
         * @description Runs as a job; follow `GET /jobs/{id}`. Ids that do not exist are skipped. With `trash_days` in /settings they go to the trash.
         */
        post: operations["postHistoryDelete"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history/batch-get": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Get up to 100 generations at once, in the order asked
         * @description Each item is what `GET /history/{id}` answers, `audio_url` included (null while pending). Ids that find nothing (unknown, malformed, deleted, in the trash, another tenant's) are listed in `missing`; an id asked twice is answered twice.
         */
        post: operations["postHistoryBatchGet"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history/lookup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Find the newest completed generation made with these settings
         * @description Takes `POST /history`'s settings, with its defaults (a left-out `language` is the profile's); `text` is compared exactly. A TTS worker asks before synthesizing and reuses the hit's audio. Costs the same at any history size.
         */
        post: operations["postHistoryLookup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a generation, with a download URL once it has audio */
        get: operations["getHistoryById"];
        put?: never;
        post?: never;
        /**
         * Delete a generation and its audio
         * @description With `trash_days` in /settings it goes to the trash (`GET /history/trash`) instead, audio and all, until restored or purged.
         */
        delete: operations["deleteHistoryById"];
        options?: never;
        head?: never;
        /**
         * Change a generation's tags or note
         * @description `tags` replaces the set; `note` replaces the note (null clears it). Answers the generation as `GET /history/{id}` does.
         */
        patch: operations["patchHistoryById"];
        trace?: never;
    };
    "/history/{id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Complete a pending generation from its uploaded WAV
         * @description Duration and size come from the uploaded file, and exactly the bytes inspected are copied to the served audio. Completing twice returns the same result (the upload's S3 notification completes it too). 409 `upload.changed` (Retry-After) when the upload was replaced while completing: complete again.
         */
        post: operations["postHistoryByIdComplete"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history/{id}/fail": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mark a pending generation failed */
        post: operations["postHistoryByIdFail"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history/{id}/favorite": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set the favorite flag */
        put: operations["putHistoryByIdFavorite"];
        /** Toggle the favorite flag */
        post: operations["postHistoryByIdFavorite"];
        /** Clear the favorite flag */
        delete: operations["deleteHistoryByIdFavorite"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history/{id}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add a processed version and get its upload URL */
        post: operations["postHistoryByIdVersions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history/{id}/versions/{versionId}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Complete a version from its uploaded WAV */
        post: operations["postHistoryByIdVersionsByVersionIdComplete"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history/{id}/versions/{versionId}/default": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Make a version the default */
        put: operations["putHistoryByIdVersionsByVersionIdDefault"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history/{id}/versions/{versionId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a processed version and its audio */
        delete: operations["deleteHistoryByIdVersionsByVersionId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history/{id}/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download a generation as a ZIP (generation.json, audio.wav, versions) */
        get: operations["getHistoryByIdExport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history/{id}/export-audio": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download a generation's audio (its default version, or `version_id`) as WAV, FLAC, MP3 or Opus
         * @description `wav` is always the original bytes. Archived audio (stored as FLAC) is restored first: within the request up to 100 MB, else the answer is 202 with an `audio.restore` job; once it has succeeded the same call gives the link. A format other than `wav` is transcoded once and kept for a day, so asking again is only a new link. Audio too large to transcode within the request answers 202 with an `audio.transcode` job; when it succeeds, `GET /jobs/{id}` has `result.url`, `result.filename` and `result.size_bytes`.
         */
        get: operations["getHistoryByIdExportAudio"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history/exports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Export many generations as ZIP parts: up to 1,000 ids, or every match of a filter
         * @description Runs as a job; when it succeeds, `GET /jobs/{id}` has `result.url` (the first part) and `result.parts`. Each part holds a folder per profile name, a folder per generation (generation.json, audio.wav, versions) and an index.json. `result.skipped` counts what was left out: generations not completed, and ids not found, which `result.not_found` names. `format` (default `wav`) and `bitrate` choose the audio files' format as for `GET /history/{id}/export-audio`; only a `wav` export can be imported again. Audio a format cannot hold (FLAC of 32-bit or float audio) stays WAV in the archive.
         */
        post: operations["postHistoryExports"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import a ZIP (ours or Voicebox's) sent in the request, up to 4706304 bytes of multipart body
         * @description Larger archives: `POST /history/imports`.
         */
        post: operations["postHistoryImport"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history/imports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start a large import (up to 2 GiB): get a URL to PUT the ZIP to */
        post: operations["postHistoryImports"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history/imports/{import_id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import the uploaded ZIP
         * @description The upload's own S3 notification runs the import too; whichever comes first runs it and the other waits for it. Every call answers the same: 201 with the imported generation (whoever ran the import), or the refusal the archive got. 409 `import.in_progress` (with Retry-After) while it is still running, e.g. an archive too big to import within one request.
         */
        post: operations["postHistoryImportsByImportIdComplete"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A background job's status, progress and result */
        get: operations["getJobsById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Retention and storage quotas */
        get: operations["getSettings"];
        /** Replace retention and storage quotas */
        put: operations["putSettings"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/maintenance/reconcile": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reconcile records and stored audio now
         * @description Runs as a job (follow `GET /jobs/{id}`), like the daily sweep does: completed generations whose audio is gone become failed with `audio missing`, processed versions whose audio is gone are removed, objects no record claims that are over a day old are deleted, and generations still pending after a day are failed with `upload never completed` (or completed, if their upload did land). The result counts each: `missing_audio`, `missing_versions`, `orphans_deleted`, `stale_pending`, `stale_pending_versions`, `recovered_uploads`.
         */
        post: operations["postMaintenanceReconcile"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/maintenance/archive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Archive audio older than N days now (archival compression)
         * @description Runs as a job (follow `GET /jobs/{id}`), as the daily sweep does for `archive_after_days`: every completed generation's and version's audio older than `older_than_days` is stored as FLAC and its WAV deleted. Downloads still give the original WAV bytes. Float WAVs, 32-bit PCM and audio FLAC shrinks by less than 10% stay WAV (recorded, not tried again). The result counts `archived`, `kept_wav` and `bytes_saved`.
         */
        post: operations["postMaintenanceArchive"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the endpoints (without secrets) */
        get: operations["getWebhooks"];
        put?: never;
        /**
         * Register an endpoint for events
         * @description Answers the endpoint with its `secret`, shown only here and on rotate-secret. Every delivery is signed as Standard Webhooks says (`webhook-id`, `webhook-timestamp`, `webhook-signature`) and retried for about a day until it gets a 2xx.
         */
        post: operations["postWebhooks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get an endpoint
         * @description `status` is `disabled` (with `disabled_reason` and `disabled_at`) after every delivery failed for 5 days, or when disabled through PATCH.
         */
        get: operations["getWebhooksById"];
        put?: never;
        post?: never;
        /** Delete an endpoint */
        delete: operations["deleteWebhooksById"];
        options?: never;
        head?: never;
        /** Change an endpoint's URL, events or description; enable or disable it */
        patch: operations["patchWebhooksById"];
        trace?: never;
    };
    "/webhooks/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Replace an endpoint's secret
         * @description For a day the old secret signs too (a second signature in `webhook-signature`), so a receiver can switch without losing events.
         */
        post: operations["postWebhooksByIdRotateSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An endpoint's recent deliveries and their tries, newest event first */
        get: operations["getWebhooksByIdDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Health: {
            /** @constant */
            status: "ok";
        };
        Profile: {
            id: string;
            name: string;
            description: string | null;
            language: string;
            /** @description An ISO 8601 date-time in UTC. */
            created_at: string;
            /** @description An ISO 8601 date-time in UTC. */
            updated_at: string;
        };
        Error: {
            /** @example No generation with id "0199...". */
            detail: string;
            /** @example generation.not_found */
            code: string;
        };
        GatewayError: {
            /** @example Unauthorized */
            message: string;
        };
        ProfileCreate: {
            name: string;
            description?: string | null;
            /** @example en */
            language?: string;
        };
        ProfileList: {
            items: components["schemas"]["Profile"][];
        };
        ProfilePatch: {
            name?: string;
            description?: string | null;
            /** @example en */
            language?: string;
        };
        Job: {
            id: string;
            /** @enum {string} */
            type: "profile.delete" | "history.delete" | "history.export" | "reconcile" | "retention" | "trash.purge" | "archive" | "audio.restore" | "search.compact" | "audio.transcode";
            /** @enum {string} */
            status: "queued" | "running" | "succeeded" | "failed";
            progress: {
                done: number;
                total: number | null;
            };
            /** @description What the job produced, e.g. a download URL. */
            result: {
                [key: string]: unknown;
            } | null;
            error: string | null;
            attempts: number;
            /** @description An ISO 8601 date-time in UTC. */
            created_at: string;
            /** @description An ISO 8601 date-time in UTC. */
            updated_at: string;
        };
        Effect: {
            /** @example reverb */
            type: string;
            /** @default {} */
            params: {
                [key: string]: number | string | boolean | null;
            };
        };
        AudioArchive: {
            /**
             * @description `flac`: stored compressed, served as the original WAV bytes; `kept_wav`: archival was tried and the WAV stays.
             * @enum {string}
             */
            state: "flac" | "kept_wav";
            /** @description Bytes the stored object takes: the FLAC's once archived, the WAV's when it was kept. */
            stored_bytes: number;
            /** @description SHA-256 (hex) of the original WAV bytes, which every restore is checked against; null when kept as WAV. */
            sha256: string | null;
            /** @description Why the audio stays WAV (float samples, 32-bit, saves under 10%, ...); null once archived. */
            reason: string | null;
            /** @description An ISO 8601 date-time in UTC. */
            at: string;
        };
        Version: {
            id: string;
            label: string;
            effects_chain: components["schemas"]["Effect"][];
            is_default: boolean;
            /** @enum {string} */
            status: "pending" | "completed";
            audio_path: string;
            duration: number | null;
            size_bytes: number;
            /** @description An ISO 8601 date-time in UTC. */
            created_at: string;
            /** @description Why the last upload for this pending version was refused (cleared when an upload completes it). */
            error: string | null;
            /** @description The code of `error` (for example `audio.invalid`); null otherwise. */
            error_code: string | null;
            /** @description Archival compression of this audio (`archive_after_days`, `POST /maintenance/archive`); null until it is tried. `size_bytes` stays the WAV's size, what every download gives back. */
            archive: components["schemas"]["AudioArchive"] | null;
        };
        Generation: {
            id: string;
            profile_id: string;
            text: string;
            language: string;
            /** @description The original audio object's key in the bucket: the upload's key (uploads/…) while pending, the inspected copy (t/…) once completed. `duration` and `size_bytes` describe this original too; a default version's audio is described in `versions`. */
            audio_path: string;
            /** @description Seconds of the original audio, read from the WAV itself. */
            duration: number | null;
            seed: number | null;
            instruct: string | null;
            engine: string;
            model_size: string | null;
            /** @enum {string} */
            status: "pending" | "completed" | "failed";
            /** @description Why the generation failed, or why its last upload was refused while it is still pending (cleared when an upload completes it). */
            error: string | null;
            /** @description The code of `error` when it is a refused upload's (for example `audio.invalid`); null otherwise. */
            error_code: string | null;
            is_favorited: boolean;
            /** @description Lower-cased, without duplicates, at most 20. */
            tags: string[];
            /** @description A free-text note; null when there is none. */
            note: string | null;
            /** @description An ISO 8601 date-time in UTC. */
            created_at: string;
            /** @description An ISO 8601 date-time in UTC. */
            updated_at: string;
            /** @description Bytes of the original audio. */
            size_bytes: number;
            versions: components["schemas"]["Version"][];
            /** @description The default version's id (the original's when it is the default). */
            active_version_id: string | null;
            /** @description The version whose audio `audio_url` serves when it is not the original; null when the original is served. */
            default_version_id: string | null;
        };
        Change: {
            /** @enum {string} */
            type: "generation.upserted" | "generation.deleted" | "profile.upserted" | "profile.deleted";
            /** @description The generation's or profile's id. */
            id: string;
            /** @description An ISO 8601 date-time in UTC. */
            changed_at: string;
            /** @description The state after the change for an upsert (a Generation without presigned URLs, or a Profile); null for a delete. */
            data: (components["schemas"]["Generation"] | components["schemas"]["Profile"]) | null;
        };
        ChangesPage: {
            changes: components["schemas"]["Change"][];
            /** @description Pass it back to read on from here; store it with your mirror. */
            next_cursor: string;
            /** @description Whether more changes can be read at once; false means caught up, poll again later. */
            has_more: boolean;
        };
        TrashedGeneration: {
            id: string;
            profile_id: string;
            text: string;
            language: string;
            /** @description The original audio object's key in the bucket: the upload's key (uploads/…) while pending, the inspected copy (t/…) once completed. `duration` and `size_bytes` describe this original too; a default version's audio is described in `versions`. */
            audio_path: string;
            /** @description Seconds of the original audio, read from the WAV itself. */
            duration: number | null;
            seed: number | null;
            instruct: string | null;
            engine: string;
            model_size: string | null;
            /** @enum {string} */
            status: "pending" | "completed" | "failed";
            /** @description Why the generation failed, or why its last upload was refused while it is still pending (cleared when an upload completes it). */
            error: string | null;
            /** @description The code of `error` when it is a refused upload's (for example `audio.invalid`); null otherwise. */
            error_code: string | null;
            is_favorited: boolean;
            /** @description Lower-cased, without duplicates, at most 20. */
            tags: string[];
            /** @description A free-text note; null when there is none. */
            note: string | null;
            /** @description An ISO 8601 date-time in UTC. */
            created_at: string;
            /** @description An ISO 8601 date-time in UTC. */
            updated_at: string;
            /** @description Bytes of the original audio. */
            size_bytes: number;
            versions: components["schemas"]["Version"][];
            /** @description The default version's id (the original's when it is the default). */
            active_version_id: string | null;
            /** @description The version whose audio `audio_url` serves when it is not the original; null when the original is served. */
            default_version_id: string | null;
            /** @description The profile's current name; null if it is gone. */
            profile_name: string | null;
            /** @description When it was deleted into the trash. */
            deleted_at: string;
            /** @description When the daily sweep purges it (record and audio) unless it is restored first. */
            purge_at: string;
        };
        TrashList: {
            /** @description Newest-deleted first. */
            items: components["schemas"]["TrashedGeneration"][];
            next_cursor: string | null;
        };
        GenerationDetail: {
            id: string;
            profile_id: string;
            text: string;
            language: string;
            /** @description The original audio object's key in the bucket: the upload's key (uploads/…) while pending, the inspected copy (t/…) once completed. `duration` and `size_bytes` describe this original too; a default version's audio is described in `versions`. */
            audio_path: string;
            /** @description Seconds of the original audio, read from the WAV itself. */
            duration: number | null;
            seed: number | null;
            instruct: string | null;
            engine: string;
            model_size: string | null;
            /** @enum {string} */
            status: "pending" | "completed" | "failed";
            /** @description Why the generation failed, or why its last upload was refused while it is still pending (cleared when an upload completes it). */
            error: string | null;
            /** @description The code of `error` when it is a refused upload's (for example `audio.invalid`); null otherwise. */
            error_code: string | null;
            is_favorited: boolean;
            /** @description Lower-cased, without duplicates, at most 20. */
            tags: string[];
            /** @description A free-text note; null when there is none. */
            note: string | null;
            /** @description An ISO 8601 date-time in UTC. */
            created_at: string;
            /** @description An ISO 8601 date-time in UTC. */
            updated_at: string;
            /** @description Bytes of the original audio. */
            size_bytes: number;
            versions: components["schemas"]["Version"][];
            /** @description The default version's id (the original's when it is the default). */
            active_version_id: string | null;
            /** @description The version whose audio `audio_url` serves when it is not the original; null when the original is served. */
            default_version_id: string | null;
            /** @description The profile's current name; null if it is gone. */
            profile_name: string | null;
            /** @description Presigned GET of the default audio (15 minutes), once it exists. Archived audio is served as a restored copy of the original WAV bytes (kept a day); it is null when no copy is ready and this answer was not allowed to make one (batch-get, or audio over 100 MB: `GET /history/{id}/export-audio` restores it, as a job when large). */
            audio_url: string | null;
            /** @description Whether the default audio is stored compressed (FLAC); downloads still give the original WAV bytes. */
            audio_archived: boolean;
            audio_url_expires_at: string | null;
        };
        /** @description A write that would take the tenant or a profile past a quota. */
        QuotaExceeded: {
            /** @example No generation with id "0199...". */
            detail: string;
            /** @constant */
            code: "quota.exceeded";
            /**
             * @description The setting (in /settings) whose limit was reached.
             * @enum {string}
             */
            quota: "quota_bytes" | "profile_quota_bytes" | "quota_generations" | "profile_quota_generations";
            /** @description Its value. */
            limit: number;
            /** @description Where the tenant or the profile stands: generations not in the trash for a count quota, bytes for a byte quota. */
            count: number;
        };
        TrashRestore: {
            /** @description Restore into this profile (it must exist). Needed when the generation's own profile was deleted; optional otherwise. */
            profile_id?: string;
        };
        Upload: {
            /** @description Presigned PUT for the WAV bytes, 15 minutes. */
            url: string;
            /** @constant */
            method: "PUT";
            headers: {
                [key: string]: string;
            };
            /** @description An ISO 8601 date-time in UTC. */
            expires_at: string;
        };
        GenerationCreated: {
            generation: components["schemas"]["Generation"];
            upload: components["schemas"]["Upload"];
        };
        GenerationCreate: {
            profile_id: string;
            text: string;
            /** @description Defaults to the profile's language (`en` if it has none). */
            language?: string;
            seed?: number | null;
            instruct?: string | null;
            /** @example qwen */
            engine?: string;
            model_size?: string | null;
            /** @description Up to 20 tags of 1-40 characters each once trimmed, without control characters; stored lower-cased, duplicates collapse. */
            tags?: string[];
            /** @description Free text, up to 2000 characters, or null. */
            note?: string | null;
        };
        ListedGeneration: {
            id: string;
            profile_id: string;
            text: string;
            language: string;
            /** @description The original audio object's key in the bucket: the upload's key (uploads/…) while pending, the inspected copy (t/…) once completed. `duration` and `size_bytes` describe this original too; a default version's audio is described in `versions`. */
            audio_path: string;
            /** @description Seconds of the original audio, read from the WAV itself. */
            duration: number | null;
            seed: number | null;
            instruct: string | null;
            engine: string;
            model_size: string | null;
            /** @enum {string} */
            status: "pending" | "completed" | "failed";
            /** @description Why the generation failed, or why its last upload was refused while it is still pending (cleared when an upload completes it). */
            error: string | null;
            /** @description The code of `error` when it is a refused upload's (for example `audio.invalid`); null otherwise. */
            error_code: string | null;
            is_favorited: boolean;
            /** @description Lower-cased, without duplicates, at most 20. */
            tags: string[];
            /** @description A free-text note; null when there is none. */
            note: string | null;
            /** @description An ISO 8601 date-time in UTC. */
            created_at: string;
            /** @description An ISO 8601 date-time in UTC. */
            updated_at: string;
            /** @description Bytes of the original audio. */
            size_bytes: number;
            versions: components["schemas"]["Version"][];
            /** @description The default version's id (the original's when it is the default). */
            active_version_id: string | null;
            /** @description The version whose audio `audio_url` serves when it is not the original; null when the original is served. */
            default_version_id: string | null;
            /** @description The profile's current name; null if it is gone. */
            profile_name: string | null;
        };
        GenerationList: {
            items: components["schemas"]["ListedGeneration"][];
            /** @description Every match of the filters, exactly. */
            total: number;
            next_cursor: string | null;
        };
        Stats: {
            total_generations: number;
            total_duration_seconds: number;
            total_bytes: number;
            favorites: number;
            generations_by_status: {
                pending: number;
                completed: number;
                failed: number;
            };
            generations_by_profile: {
                [key: string]: number;
            };
            profiles: {
                [key: string]: {
                    generations: number;
                    duration_seconds: number;
                    bytes: number;
                };
            };
            by_engine: {
                [key: string]: {
                    generations: number;
                    duration_seconds: number;
                };
            };
            by_language: {
                [key: string]: {
                    generations: number;
                    duration_seconds: number;
                };
            };
            /** @description Bytes stored as FLAC by archival compression (trash included, as `quota.used_bytes` counts it). */
            archived_bytes: number;
            /** @description What archival saves: the archived audio's WAV bytes minus its FLAC bytes (trash included). */
            bytes_saved: number;
            quota: {
                quota_bytes: number | null;
                profile_quota_bytes: number | null;
                used_bytes: number;
            };
            /** @description What the trash holds. Everything else here counts the live history only; `quota.used_bytes` counts both, as quota_bytes does. */
            trash: {
                generations: number;
                bytes: number;
            };
            /** @description The last 30 UTC days, oldest first, including days with none. */
            generations_per_day: {
                day: string;
                generations: number;
                duration_seconds: number;
            }[];
        };
        TagCounts: {
            /** @description Every tag a generation outside the trash carries, with how many carry it; most used first, then by tag. */
            tags: {
                tag: string;
                count: number;
            }[];
        };
        DeletedCount: {
            deleted: number;
        };
        GenerationFilter: {
            profile_id?: string;
            /** @description Substring of the text, compared after Unicode normalisation (NFC) and full Unicode case folding of both: `ÉCOLE` finds `école` however either was composed, `STRASSE` finds `straße`, `Σ` finds a final `ς`, `ﬁ` finds `fi`. An accent belongs to its letter (`e` does not find `é`) and the dotless `ı` stays itself. */
            search?: string;
            /** @enum {string} */
            status?: "pending" | "completed" | "failed";
            /** @example qwen */
            engine?: string;
            language?: string;
            /**
             * @description Inclusive lower bound on created_at: an ISO 8601 date, or a date-time with Z or an offset.
             * @example 2026-11-01
             */
            created_after?: string;
            /**
             * @description Exclusive upper bound on created_at: an ISO 8601 date, or a date-time with Z or an offset.
             * @example 2026-11-29T08:00:00Z
             */
            created_before?: string;
            favorites?: boolean;
            /**
             * @description Only generations carrying every tag named (1 to 20), compared as stored (trimmed, lower-cased).
             * @example [
             *       "intro"
             *     ]
             */
            tag?: string[];
        };
        /** @description Either up to 1000 ids or a filter (the list filters). */
        BulkSelection: {
            ids: string[];
        } | {
            filter: components["schemas"]["GenerationFilter"];
        };
        BatchGetResult: {
            /** @description The generations found, in the order asked, each as `GET /history/{id}` answers it. */
            items: components["schemas"]["GenerationDetail"][];
            /** @description The ids asked for that found nothing, in the order asked. */
            missing: string[];
        };
        BatchGet: {
            /** @description 1 to 100 generation ids. An id may repeat (it is answered at each place it was asked); one that names none of your live generations (malformed, deleted, in the trash, another tenant's) is answered in `missing`. */
            ids: string[];
        };
        GenerationLookup: {
            profile_id: string;
            text: string;
            /** @description Defaults to the profile's language (`en` if it has none). */
            language?: string;
            seed?: number | null;
            instruct?: string | null;
            /** @example qwen */
            engine?: string;
            model_size?: string | null;
        };
        GenerationPatch: {
            /** @description Replaces the set. Up to 20 tags of 1-40 characters each once trimmed, without control characters; stored lower-cased, duplicates collapse. */
            tags?: string[];
            /** @description Free text, up to 2000 characters, or null. */
            note?: string | null;
        };
        GenerationFail: {
            error: string;
        };
        Favorite: {
            is_favorited: boolean;
        };
        VersionCreated: {
            version: components["schemas"]["Version"];
            upload: components["schemas"]["Upload"];
        };
        VersionCreate: {
            label: string;
            /** @default [] */
            effects_chain: components["schemas"]["Effect"][];
        };
        DownloadLink: {
            /** @description Presigned GET, 15 minutes. */
            url: string;
            /** @description An ISO 8601 date-time in UTC. */
            expires_at: string;
            filename: string;
            size_bytes: number;
        };
        /** @description Either up to 1,000 ids or a filter (the list filters), and the audio format the files are in. */
        BulkExportRequest: {
            /**
             * @description `wav` (default): the stored file as uploaded. `flac`: lossless, the same samples (16 and 24-bit integer audio, up to 8 channels; 32-bit and float audio is refused with 422). `mp3`: CBR, resampled to the lowest MP3 rate at or above the audio's that carries the bitrate (at most 48 kHz), 3-8 channels downmixed to stereo (more: 422). `opus`: Opus in Ogg at 48 kHz; 1-8 channels in the standard speaker mappings, more in mapping family 255.
             * @enum {string}
             */
            format?: "wav" | "flac" | "mp3" | "opus";
            /** @description Kilobits per second, mp3 and opus only: mp3 64-320 (default 128), opus 16-256 (default 64). */
            bitrate?: number;
        } & ({
            ids: string[];
            format?: unknown;
            bitrate?: unknown;
        } | {
            filter: components["schemas"]["GenerationFilter"];
            format?: unknown;
            bitrate?: unknown;
        });
        ImportForm: {
            file: unknown;
            profile_id?: string;
        };
        ImportStarted: {
            import_id: string;
            upload: components["schemas"]["Upload"];
        };
        ImportStart: {
            profile_id?: string;
        };
        Settings: {
            /** @description Generations older than this many days are deleted by the daily sweep; null keeps them forever. */
            retention_days: number | null;
            /** @description Whether retention spares favorites. */
            keep_favorites: boolean;
            /** @description Audio bytes the tenant may store; null is unlimited. */
            quota_bytes: number | null;
            /** @description Audio bytes each profile may store; null is unlimited. */
            profile_quota_bytes: number | null;
            /** @description Generations the tenant may hold, trash not counted; null is unlimited. */
            quota_generations: number | null;
            /** @description Generations each profile may hold, trash not counted; null is unlimited. */
            profile_quota_generations: number | null;
            /** @description Days a deleted generation waits in the trash (GET /history/trash) before it is purged with its audio; 0 deletes at once. Trashed audio still counts against quota_bytes, not against profile_quota_bytes. */
            trash_days: number;
            /** @description Audio older than this many days is stored compressed (FLAC) by the daily sweep; downloads still give the original WAV bytes. Null (the default) never archives. */
            archive_after_days: number | null;
        };
        /** @description Replaces the settings; a field left out takes its default (null, true for keep_favorites, 0 for trash_days, null for archive_after_days). */
        SettingsPut: {
            /** @description Generations older than this many days are deleted by the daily sweep; null keeps them forever. */
            retention_days?: number | null;
            /** @description Whether retention spares favorites. */
            keep_favorites?: boolean;
            /** @description Audio bytes the tenant may store; null is unlimited. */
            quota_bytes?: number | null;
            /** @description Audio bytes each profile may store; null is unlimited. */
            profile_quota_bytes?: number | null;
            /** @description Generations the tenant may hold, trash not counted; null is unlimited. */
            quota_generations?: number | null;
            /** @description Generations each profile may hold, trash not counted; null is unlimited. */
            profile_quota_generations?: number | null;
            /** @description Days a deleted generation waits in the trash (GET /history/trash) before it is purged with its audio; 0 deletes at once. Trashed audio still counts against quota_bytes, not against profile_quota_bytes. */
            trash_days?: number;
            /** @description Audio older than this many days is stored compressed (FLAC) by the daily sweep; downloads still give the original WAV bytes. Null (the default) never archives. */
            archive_after_days?: number | null;
        };
        ReconcileRequest: Record<string, never>;
        ArchiveRequest: {
            /** @description Archive audio created more than this many days ago; 0 archives all completed audio. */
            older_than_days: number;
        };
        WebhookWithSecret: {
            id: string;
            url: string;
            events: ("generation.created" | "generation.completed" | "generation.failed" | "generation.deleted" | "generation.trashed" | "generation.restored" | "profile.deleted" | "job.finished" | "import.finished")[];
            description: string | null;
            /**
             * @description `disabled`: nothing is sent; `disabled_reason` says why.
             * @enum {string}
             */
            status: "enabled" | "disabled";
            disabled_reason: string | null;
            disabled_at: string | null;
            /** @description An ISO 8601 date-time in UTC. */
            created_at: string;
            /** @description An ISO 8601 date-time in UTC. */
            updated_at: string;
            /** @description `whsec_` + base64 of 32 random bytes: verify each delivery's `webhook-signature` with it. Shown only when created and rotated. */
            secret: string;
        };
        WebhookCreate: {
            /**
             * Format: uri
             * @description Where events are POSTed: https, no user name or password, a host whose addresses are all public (checked again at every delivery).
             * @example https://example.com/hooks/sonna
             */
            url: string;
            /** @description The events sent to this endpoint. */
            events: ("generation.created" | "generation.completed" | "generation.failed" | "generation.deleted" | "generation.trashed" | "generation.restored" | "profile.deleted" | "job.finished" | "import.finished")[];
            /** @description Your note about the endpoint. */
            description?: string | null;
        };
        Webhook: {
            id: string;
            url: string;
            events: ("generation.created" | "generation.completed" | "generation.failed" | "generation.deleted" | "generation.trashed" | "generation.restored" | "profile.deleted" | "job.finished" | "import.finished")[];
            description: string | null;
            /**
             * @description `disabled`: nothing is sent; `disabled_reason` says why.
             * @enum {string}
             */
            status: "enabled" | "disabled";
            disabled_reason: string | null;
            disabled_at: string | null;
            /** @description An ISO 8601 date-time in UTC. */
            created_at: string;
            /** @description An ISO 8601 date-time in UTC. */
            updated_at: string;
        };
        WebhookList: {
            items: components["schemas"]["Webhook"][];
        };
        WebhookPatch: {
            /**
             * Format: uri
             * @description Where events are POSTed: https, no user name or password, a host whose addresses are all public (checked again at every delivery).
             * @example https://example.com/hooks/sonna
             */
            url?: string;
            /** @description The events sent to this endpoint. */
            events?: ("generation.created" | "generation.completed" | "generation.failed" | "generation.deleted" | "generation.trashed" | "generation.restored" | "profile.deleted" | "job.finished" | "import.finished")[];
            /** @description Your note about the endpoint. */
            description?: string | null;
            /** @description false stops deliveries; true re-enables an endpoint, also one disabled after failing. */
            enabled?: boolean;
        };
        WebhookAttempt: {
            /** @description 1 for the first try. */
            attempt: number;
            /** @description An ISO 8601 date-time in UTC. */
            attempted_at: string;
            /** @description The endpoint's HTTP status; null when no answer came (timeout, refused address, connection error). */
            response_status: number | null;
            duration_ms: number;
            /** @description Why the attempt failed; null when it was delivered. */
            error: string | null;
            /** @description When the next try is due; null after a delivery or the last try. */
            next_retry_at: string | null;
        };
        WebhookDelivery: {
            /** @description The event's id: the `webhook-id` header of every try. */
            event_id: string;
            /** @enum {string} */
            type: "generation.created" | "generation.completed" | "generation.failed" | "generation.deleted" | "generation.trashed" | "generation.restored" | "profile.deleted" | "job.finished" | "import.finished";
            /**
             * @description `failed`: every try failed, or the endpoint was disabled or changed meanwhile.
             * @enum {string}
             */
            status: "pending" | "delivered" | "failed";
            /** @description Tries so far. */
            attempt: number;
            /** @description The last try's HTTP status. */
            response_status: number | null;
            /** @description The last try's duration. */
            duration_ms: number | null;
            error: string | null;
            next_retry_at: string | null;
            /** @description An ISO 8601 date-time in UTC. */
            created_at: string;
            /** @description Every try, oldest first. */
            attempts: components["schemas"]["WebhookAttempt"][];
        };
        WebhookDeliveryPage: {
            items: components["schemas"]["WebhookDelivery"][];
            next_cursor: string | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description It does. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    getProfiles: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every profile of the caller. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProfileList"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postProfiles: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProfileCreate"];
            };
        };
        responses: {
            /** @description The new profile. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Profile"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description The resource is not in a state that allows this. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is over 1048576 bytes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not of the media type this operation takes. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getProfilesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The profile. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Profile"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteProfilesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The deletion job. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The resource is not in a state that allows this. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    patchProfilesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProfilePatch"];
            };
        };
        responses: {
            /** @description The changed profile. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Profile"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The resource is not in a state that allows this. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is over 1048576 bytes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not of the media type this operation takes. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getHistoryChanges: {
        parameters: {
            query?: {
                /** @description A next_cursor from an earlier answer. Without it the feed starts at the oldest change kept. */
                cursor?: string;
                /** @description `now`: answer no changes, only a cursor after every change so far. */
                from?: "now";
                /** @description Changes per answer, 1-1000 (default 100). */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Changes after the cursor. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangesPage"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description `changes.cursor_expired`: the cursor is older than the changes kept (30 days); resync from a full list. */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getHistoryTrash: {
        parameters: {
            query?: {
                /** @description Page size, 1 to 200; 50 when left out. */
                limit?: number;
                /** @description `next_cursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the trash. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrashList"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteHistoryTrash: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The purge job. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postHistoryTrashByIdRestore: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TrashRestore"];
            };
        };
        responses: {
            /** @description The restored generation, as GET /history/{id} shows it. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GenerationDetail"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `profile.missing`: its profile was deleted (name another); or `quota.exceeded`: the write would cross a quota. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QuotaExceeded"] | components["schemas"]["Error"];
                };
            };
            /** @description The body is over 1048576 bytes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not of the media type this operation takes. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteHistoryTrashById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Purged. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getHistory: {
        parameters: {
            query?: {
                profile_id?: string;
                /** @description Substring of the text, compared after Unicode normalisation (NFC) and full Unicode case folding of both: `ÉCOLE` finds `école` however either was composed, `STRASSE` finds `straße`, `Σ` finds a final `ς`, `ﬁ` finds `fi`. An accent belongs to its letter (`e` does not find `é`) and the dotless `ı` stays itself. */
                search?: string;
                status?: "pending" | "completed" | "failed";
                engine?: string;
                language?: string;
                /** @description Inclusive lower bound on created_at: an ISO 8601 date, or a date-time with Z or an offset. */
                created_after?: string;
                /** @description Exclusive upper bound on created_at: an ISO 8601 date, or a date-time with Z or an offset. */
                created_before?: string;
                /** @description true: only favorites; false: only the others. */
                favorites?: boolean;
                /** @description Only generations carrying every tag named (1 to 20), compared as stored (trimmed, lower-cased). Repeat the parameter for several: `tag=a&tag=b`. */
                tag?: string[];
                /** @description Page size, 1 to 200; 50 when left out. */
                limit?: number;
                /** @description Items to skip (each one is read); 0 when left out. Not with `cursor`. */
                offset?: number;
                /** @description `next_cursor` of the previous page. */
                cursor?: string;
                sort?: "asc" | "desc";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of generations. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GenerationList"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postHistory: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key returns the first result instead of creating twice. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GenerationCreate"];
            };
        };
        responses: {
            /** @description The pending generation and its upload. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GenerationCreated"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `request.idempotency_target_deleted`: the generation this Idempotency-Key created was deleted (or is in the trash); or `quota.exceeded`: the write would cross a quota. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QuotaExceeded"] | components["schemas"]["Error"];
                };
            };
            /** @description The body is over 1048576 bytes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not of the media type this operation takes. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The Idempotency-Key was used with another body. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getHistoryStats: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller's totals. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Stats"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getHistoryTags: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller's tags. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TagCounts"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteHistoryFailed: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description How many were deleted. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeletedCount"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postHistoryDelete: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BulkSelection"];
            };
        };
        responses: {
            /** @description The deletion job. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description The body is over 1048576 bytes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not of the media type this operation takes. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postHistoryBatchGet: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BatchGet"];
            };
        };
        responses: {
            /** @description The generations found, and the ids that found nothing. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchGetResult"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description The body is over 1048576 bytes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not of the media type this operation takes. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postHistoryLookup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GenerationLookup"];
            };
        };
        responses: {
            /** @description The newest completed generation with exactly these settings, as `GET /history/{id}` shows it. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GenerationDetail"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No completed generation was made with these settings (`generation.not_found`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is over 1048576 bytes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not of the media type this operation takes. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getHistoryById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The generation. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GenerationDetail"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteHistoryById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    patchHistoryById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GenerationPatch"];
            };
        };
        responses: {
            /** @description The changed generation. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GenerationDetail"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `generation.busy`: other requests kept changing the generation; retry after `Retry-After`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is over 1048576 bytes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not of the media type this operation takes. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postHistoryByIdComplete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The completed generation. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Generation"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The resource is not in a state that allows this; or `quota.exceeded`: the write would cross a quota. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QuotaExceeded"] | components["schemas"]["Error"];
                };
            };
            /** @description The upload exceeds the size cap; it was deleted. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The uploaded audio or archive is unusable; `detail` says why. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postHistoryByIdFail: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GenerationFail"];
            };
        };
        responses: {
            /** @description The failed generation. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Generation"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The resource is not in a state that allows this. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is over 1048576 bytes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not of the media type this operation takes. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    putHistoryByIdFavorite: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The new state. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Favorite"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postHistoryByIdFavorite: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The new state. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Favorite"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteHistoryByIdFavorite: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The new state. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Favorite"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postHistoryByIdVersions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VersionCreate"];
            };
        };
        responses: {
            /** @description The pending version and its upload. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VersionCreated"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The resource is not in a state that allows this. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is over 1048576 bytes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not of the media type this operation takes. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postHistoryByIdVersionsByVersionIdComplete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                versionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The generation with its versions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Generation"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The resource is not in a state that allows this; or `quota.exceeded`: the write would cross a quota. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QuotaExceeded"] | components["schemas"]["Error"];
                };
            };
            /** @description The upload exceeds the size cap; it was deleted. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The uploaded audio or archive is unusable; `detail` says why. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    putHistoryByIdVersionsByVersionIdDefault: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                versionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The generation with its versions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Generation"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The resource is not in a state that allows this. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteHistoryByIdVersionsByVersionId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                versionId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The generation with its versions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Generation"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The resource is not in a state that allows this. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getHistoryByIdExport: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description With `Accept: application/json`: the link. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DownloadLink"];
                };
            };
            /** @description Redirect to the presigned download (Content-Disposition: attachment). */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The resource is not in a state that allows this. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getHistoryByIdExportAudio: {
        parameters: {
            query?: {
                /** @description `wav` (default): the stored file as uploaded. `flac`: lossless, the same samples (16 and 24-bit integer audio, up to 8 channels; 32-bit and float audio is refused with 422). `mp3`: CBR, resampled to the lowest MP3 rate at or above the audio's that carries the bitrate (at most 48 kHz), 3-8 channels downmixed to stereo (more: 422). `opus`: Opus in Ogg at 48 kHz; 1-8 channels in the standard speaker mappings, more in mapping family 255. */
                format?: "wav" | "flac" | "mp3" | "opus";
                /** @description Kilobits per second, mp3 and opus only: mp3 64-320 (default 128), opus 16-256 (default 64). */
                bitrate?: number;
                /** @description A version of the generation to download instead of its default one. */
                version_id?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description With `Accept: application/json`: the link. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DownloadLink"];
                };
            };
            /** @description Large audio: the job restoring (`audio.restore`) or transcoding (`audio.transcode`) it. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description Redirect to the presigned download (Content-Disposition: attachment, the format's Content-Type). */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The resource is not in a state that allows this. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The audio cannot be held in this format without loss (`audio.format_unsupported`), e.g. FLAC of 32-bit or float audio. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postHistoryExports: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BulkExportRequest"];
            };
        };
        responses: {
            /** @description The export job. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description The body is over 1048576 bytes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not of the media type this operation takes. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postHistoryImport: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["ImportForm"];
            };
        };
        responses: {
            /** @description The imported generation. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Generation"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The resource is not in a state that allows this; or `quota.exceeded`: the write would cross a quota. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QuotaExceeded"] | components["schemas"]["Error"];
                };
            };
            /** @description The body is over 4706304 bytes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not of the media type this operation takes. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The uploaded audio or archive is unusable; `detail` says why. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postHistoryImports: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ImportStart"];
            };
        };
        responses: {
            /** @description The import and its upload. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImportStarted"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is over 1048576 bytes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not of the media type this operation takes. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postHistoryImportsByImportIdComplete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                import_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The imported generation. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Generation"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The resource is not in a state that allows this; or `quota.exceeded`: the write would cross a quota. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QuotaExceeded"] | components["schemas"]["Error"];
                };
            };
            /** @description The archive is over the size cap. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The uploaded audio or archive is unusable; `detail` says why. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getJobsById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getSettings: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller's settings. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Settings"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    putSettings: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SettingsPut"];
            };
        };
        responses: {
            /** @description The new settings. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Settings"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description The body is over 1048576 bytes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not of the media type this operation takes. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postMaintenanceReconcile: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReconcileRequest"];
            };
        };
        responses: {
            /** @description The reconcile job. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description The body is over 1048576 bytes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not of the media type this operation takes. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postMaintenanceArchive: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ArchiveRequest"];
            };
        };
        responses: {
            /** @description The archive job. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description The body is over 1048576 bytes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not of the media type this operation takes. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every endpoint of the caller. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookList"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookCreate"];
            };
        };
        responses: {
            /** @description The endpoint, with its secret. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookWithSecret"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description `webhook.limit_reached`: the tenant has 20 endpoints already. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is over 1048576 bytes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not of the media type this operation takes. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `webhook.url_forbidden`: the URL is not https, carries a user name or password, or its host is an address that is not public. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getWebhooksById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The endpoint. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteWebhooksById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    patchWebhooksById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookPatch"];
            };
        };
        responses: {
            /** @description The changed endpoint. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is over 1048576 bytes. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not of the media type this operation takes. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `webhook.url_forbidden`: the URL is not https, carries a user name or password, or its host is an address that is not public. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postWebhooksByIdRotateSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The endpoint, with its new secret. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookWithSecret"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getWebhooksByIdDeliveries: {
        parameters: {
            query?: {
                /** @description Deliveries per answer, 1-100 (default 20). */
                limit?: number;
                /** @description `next_cursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deliveries, kept 30 days. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryPage"];
                };
            };
            /** @description The request is malformed; `detail` names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{"message": "Unauthorized"}`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
                };
            };
            /** @description No such resource for this tenant. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A storage dependency is unavailable; retry after `Retry-After` seconds. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
