import { createRoute } from "@hono/zod-openapi";
import { deleteProfile } from "@sonna/core/profiles/delete";
import { createProfile, getProfile, listProfiles, updateProfile } from "@sonna/core/profiles/service";
import { commonErrors, conflictError, jsonBody, jsonContent, notFoundError, router, acceptedJob } from "../openapi";
import { IdParam, JobSchema, ProfileCreate, ProfileList, ProfilePatch, ProfileSchema } from "../schemas";

const tags = ["Profiles"];

export const profileRoutes = router()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Create a voice profile",
      request: { body: jsonBody(ProfileCreate) },
      responses: { 201: jsonContent(ProfileSchema, "The new profile."), ...commonErrors, ...conflictError },
    }),
    async (c) => c.json(await createProfile(c.get("tenant"), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "List profiles, oldest first",
      responses: { 200: jsonContent(ProfileList, "Every profile of the caller."), ...commonErrors },
    }),
    async (c) => c.json({ items: await listProfiles(c.get("tenant")) }, 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "Get a profile",
      request: { params: IdParam },
      responses: { 200: jsonContent(ProfileSchema, "The profile."), ...commonErrors, ...notFoundError },
    }),
    async (c) => c.json(await getProfile(c.get("tenant"), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      tags,
      summary: "Change a profile's name, description or language",
      request: { params: IdParam, body: jsonBody(ProfilePatch) },
      responses: { 200: jsonContent(ProfileSchema, "The changed profile."), ...commonErrors, ...notFoundError, ...conflictError },
    }),
    async (c) => c.json(await updateProfile(c.get("tenant"), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Delete a profile with all its generations and their audio",
      description: "The profile disappears at once; a job deletes its generations and audio. Follow `GET /jobs/{id}`.",
      request: { params: IdParam },
      responses: { 202: jsonContent(JobSchema, "The deletion job."), ...commonErrors, ...notFoundError },
    }),
    async (c) => acceptedJob(c, await deleteProfile(c.get("tenant"), c.req.valid("param").id)),
  );
