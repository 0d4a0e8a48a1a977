import { createProfile, getProfile, listProfiles, updateProfile } from "@sonna/core/profiles/service";
import { IdParam } from "@sonna/core/shapes/generation";
import { JobSchema } from "@sonna/core/shapes/job";
import { ProfileCreate, ProfileList, ProfilePatch, ProfileSchema } from "@sonna/core/shapes/profile";
import { acceptedJob, bodyErrors, commonErrors, conflictError, describe, jsonContent, notFoundError, router, validate } from "../openapi";
import { onFirstUse } from "@sonna/core/lazy";

const tags = ["Profiles"];

// The cascade reaches S3; it loads on the first delete, not at cold start (tests/bundle.test.ts).
const profileDelete = onFirstUse(() => import("@sonna/core/profiles/delete"));

export const profileRoutes = router()
  .post(
    "/",
    describe({
      tags,
      summary: "Create a voice profile",
      responses: { 201: jsonContent(ProfileSchema, "The new profile."), ...commonErrors, ...conflictError, ...bodyErrors() },
    }),
    validate("json", ProfileCreate),
    async (c) => c.json(await createProfile(c.get("tenant"), c.req.valid("json")), 201),
  )
  .get(
    "/",
    describe({ tags, summary: "List profiles, oldest first", responses: { 200: jsonContent(ProfileList, "Every profile of the caller."), ...commonErrors } }),
    async (c) => c.json({ items: await listProfiles(c.get("tenant")) }, 200),
  )
  .get(
    "/:id",
    describe({ tags, summary: "Get a profile", responses: { 200: jsonContent(ProfileSchema, "The profile."), ...commonErrors, ...notFoundError } }),
    validate("param", IdParam),
    async (c) => c.json(await getProfile(c.get("tenant"), c.req.valid("param").id), 200),
  )
  .patch(
    "/:id",
    describe({
      tags,
      summary: "Change a profile's name, description or language",
      responses: { 200: jsonContent(ProfileSchema, "The changed profile."), ...commonErrors, ...notFoundError, ...conflictError, ...bodyErrors() },
    }),
    validate("param", IdParam),
    validate("json", ProfilePatch),
    async (c) => c.json(await updateProfile(c.get("tenant"), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .delete(
    "/:id",
    describe({
      tags,
      summary: "Delete a profile with all its generations and their audio",
      description: "The profile disappears at once; a job deletes its generations and audio. Follow `GET /jobs/{id}`.",
      responses: { 202: jsonContent(JobSchema, "The deletion job."), ...commonErrors, ...notFoundError, ...conflictError },
    }),
    validate("param", IdParam),
    async (c) => {
      const { deleteProfile } = await profileDelete();
      return acceptedJob(c, await deleteProfile(c.get("tenant"), c.req.valid("param").id));
    },
  );
