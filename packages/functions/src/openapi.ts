import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Hook } from "@hono/zod-openapi";
import type { Context } from "hono";
import { VisibleError } from "@sonna/core/errors";
import type { Job } from "@sonna/core/jobs/model";
import type { AuthEnv } from "./auth";

const describeIssues = (error: z.ZodError): string =>
  error.issues
    .slice(0, 10)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "body"}: ${issue.message}`)
    .join("; ");

/** Every validation failure, in any router, becomes the same 400 shape. */
const defaultHook: Hook<unknown, AuthEnv, string, unknown> = (result) => {
  if (!result.success) {
    throw new VisibleError(400, "request.invalid", describeIssues(result.error as z.ZodError));
  }
};

/** A sub-app with the shared validation hook; one per resource, mounted with `app.route`. */
export const router = () => new OpenAPIHono<AuthEnv>({ defaultHook });

export const ErrorSchema = z
  .object({
    detail: z.string().openapi({ example: "No generation with id \"0199...\"." }),
    code: z.string().openapi({ example: "generation.not_found" }),
  })
  .openapi("Error");

const errorResponse = (description: string) => ({
  content: { "application/json": { schema: ErrorSchema } },
  description,
});

/** The error answers every authenticated route can give. */
export const commonErrors = {
  400: errorResponse("The request is malformed; `detail` names the field."),
  401: errorResponse("Missing, invalid or expired bearer token."),
  503: errorResponse("A storage dependency is unavailable; retry after `Retry-After` seconds."),
} as const;

export const notFoundError = { 404: errorResponse("No such resource for this tenant.") } as const;
export const conflictError = { 409: errorResponse("The resource is not in a state that allows this.") } as const;
export const unprocessableError = { 422: errorResponse("The uploaded audio or archive is unusable; `detail` says why.") } as const;

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  content: { "application/json": { schema } },
  required: true,
});

/** A job was accepted: 202 with the job, and where to follow it. */
export const acceptedJob = <C extends Context>(c: C, job: Job) => {
  c.header("Location", `/jobs/${job.id}`);
  return c.json(job, 202);
};
