/**
 * How a route declares itself: `describe(...)` (summary, tags, responses) and `validate(...)`
 * (each request part's schema) are ordinary Hono middleware placed before the handler, so Hono's
 * own types give `c.req.valid(...)` its shape. Both also tag themselves with what they carry, and
 * ./openapi-document.ts (loaded only when /openapi.json is asked for) reads those tags back from
 * the route groups' `routes` to write the document.
 *
 * Why not @hono/zod-openapi or hono-openapi: the first needs classic zod, the second bundles a
 * loader that imports all of zod core and its locales; either adds about half the floor's import
 * time to the API's cold start (docs/decisions.md).
 */
import type { Context, MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { validator } from "hono/validator";
import * as z from "zod/mini";
import { VisibleError } from "@sonna/core/errors";
import { inEnglish, issueLines, summarize } from "@sonna/core/fields";
import type { Job } from "@sonna/core/jobs/model";
import type { AuthEnv } from "./auth";
import { ErrorSchema } from "./schemas";

/** A sub-app per resource, mounted in its group (./route-groups.ts). */
export const router = () => new Hono<AuthEnv>();

export interface ResponseDoc {
  description: string;
  schema?: z.ZodMiniType;
}

export interface RouteDoc {
  summary: string;
  description?: string;
  tags: string[];
  responses: Record<number, ResponseDoc>;
}

export type RequestTarget = "json" | "form" | "query" | "param" | "header";

export interface RequestDoc {
  target: RequestTarget;
  schema: z.ZodMiniType;
  /** Bodies only: whether one must be sent. */
  required: boolean;
}

export const ROUTE_DOC = Symbol("route doc");
export const REQUEST_DOC = Symbol("request doc");

/** What the operation is and what it answers; does nothing at request time. */
export const describe = (doc: RouteDoc): MiddlewareHandler =>
  Object.assign(async (_c: Context, next: () => Promise<void>) => next(), { [ROUTE_DOC]: doc });

const BODY_MEDIA_TYPES = {
  json: { test: (type: string) => /^application\/([\w.-]+\+)?json$/.test(type), expected: "application/json" },
  form: { test: (type: string) => type === "multipart/form-data", expected: "multipart/form-data" },
} as const;

/**
 * A body sent as something else is refused as such (415) rather than validated as empty, which
 * would blame the fields. A request without a body may leave the Content-Type out only where the
 * body is optional.
 */
function checkMediaType(c: Context, target: "json" | "form", required: boolean): void {
  const header = c.req.header("content-type");
  const type = header?.split(";")[0]!.trim().toLowerCase() ?? "";
  if (BODY_MEDIA_TYPES[target].test(type) || (!header && !required)) return;
  throw new VisibleError(
    415,
    "request.unsupported_media_type",
    `This endpoint takes a ${BODY_MEDIA_TYPES[target].expected} body${header ? `, not ${type || "an empty Content-Type"}` : "; send the Content-Type header"}.`,
  );
}

/**
 * Validates one part of the request; `c.req.valid(target)` is then the parsed value. Every
 * failure, in any router, becomes the same 400 shape.
 */
export function validate<T extends RequestTarget, S extends z.ZodMiniType>(target: T, schema: S, options: { required?: boolean } = {}) {
  const required = options.required ?? true;
  const middleware = validator(target, async (value, c): Promise<z.output<S>> => {
    if (target === "json" || target === "form") checkMediaType(c, target, required);
    const result = await z.safeParseAsync(schema, value, inEnglish);
    if (!result.success) throw new VisibleError(400, "request.invalid", summarize(issueLines(result.error.issues)));
    return result.data;
  });
  return Object.assign(middleware, { [REQUEST_DOC]: { target, schema, required } satisfies RequestDoc });
}

export const errorResponse = (description: string): ResponseDoc => ({ description, schema: ErrorSchema });

/** The error answers every authenticated route can give. */
export const commonErrors = {
  400: errorResponse("The request is malformed; `detail` names the field."),
  401: errorResponse("Missing, invalid or expired bearer token."),
  503: errorResponse("A storage dependency is unavailable; retry after `Retry-After` seconds."),
} as const;

export const notFoundError = { 404: errorResponse("No such resource for this tenant.") } as const;
export const conflictError = { 409: errorResponse("The resource is not in a state that allows this.") } as const;
export const unprocessableError = { 422: errorResponse("The uploaded audio or archive is unusable; `detail` says why.") } as const;

export const jsonContent = (schema: z.ZodMiniType, description: string): ResponseDoc => ({ description, schema });

/** A job was accepted: 202 with the job, and where to follow it. */
export const acceptedJob = <C extends Context>(c: C, job: Job) => {
  c.header("Location", `/jobs/${job.id}`);
  return c.json(job, 202);
};
