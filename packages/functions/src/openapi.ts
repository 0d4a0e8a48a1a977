/**
 * How a route declares itself, through hono-openapi: `describe(...)` (summary, tags, every status
 * it answers) and `validate(...)` (each request part's valibot shape, from `@sonna/core/shapes`).
 * The same shapes validate requests, type `c.req.valid(...)`, type core's values and write the
 * OpenAPI document (./document.ts), so none of them can drift from the others.
 */
import type { Context, MiddlewareHandler, ValidationTargets } from "hono";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { describeRoute, resolver, uniqueSymbol, validator, type DescribeRouteOptions } from "hono-openapi";
import type * as v from "valibot";
import { VisibleError } from "@sonna/core/errors";
import type { Job } from "@sonna/core/jobs/model";
import { issueLines, summarize } from "@sonna/core/shapes/fields";
import { ConflictSchema, ErrorSchema, UnauthorizedSchema } from "@sonna/core/shapes/error";
import type { AppEnv } from "./auth";

/** A resource's routes, mounted by ./app.ts, which also requires their tenant. */
export const router = () => new Hono<AppEnv>();

type Responses = NonNullable<DescribeRouteOptions["responses"]>;
type Response = Responses[string];

export const jsonContent = (schema: v.GenericSchema, description: string): Response => ({
  description,
  content: { "application/json": { schema: resolver(schema) } },
});

export const errorResponse = (description: string): Response => jsonContent(ErrorSchema, description);

/** The error answers every authenticated route can give. */
export const commonErrors = {
  400: errorResponse("The request is malformed; `detail` names the field."),
  401: jsonContent(
    UnauthorizedSchema,
    "Missing, invalid or expired bearer token. Deployed, API Gateway's JWT authorizer answers `{\"message\": \"Unauthorized\"}`.",
  ),
  503: errorResponse("A storage dependency is unavailable; retry after `Retry-After` seconds."),
} satisfies Responses;

export const notFoundError = { 404: errorResponse("No such resource for this tenant.") } satisfies Responses;
export const conflictError = { 409: errorResponse("The resource is not in a state that allows this.") } satisfies Responses;
/** The 409 of a write that adds a generation or audio bytes: a conflicting state, or `quota.exceeded` with `quota`, `limit` and `count`. */
export const quotaConflict = (conflicts = "The resource is not in a state that allows this") =>
  ({ 409: jsonContent(ConflictSchema, `${conflicts}; or \`quota.exceeded\`: the write would cross a quota.`) }) satisfies Responses;
export const quotaConflictError = quotaConflict();
export const unprocessableError = { 422: errorResponse("The uploaded audio or archive is unusable; `detail` says why.") } satisfies Responses;

/** JSON bodies are small; audio and large archives travel through presigned URLs, never through here. */
export const JSON_BODY_LIMIT = 1024 * 1024;

/** The 413 and 415 a route that takes a body can answer. */
export const bodyErrors = (limit = JSON_BODY_LIMIT) =>
  ({
    413: errorResponse(`The body is over ${limit} bytes.`),
    415: errorResponse("The body is not of the media type this operation takes."),
  }) satisfies Responses;

interface RouteDoc {
  tags: string[];
  summary: string;
  description?: string;
  responses: Responses;
}

/** What the operation is and every status it answers; does nothing at request time. */
export const describe = (doc: RouteDoc): MiddlewareHandler => describeRoute(doc);

const BODY_MEDIA_TYPES = {
  json: { test: (type: string) => /^application\/([\w.-]+\+)?json$/.test(type), expected: "an application/json" },
  form: { test: (type: string) => type === "multipart/form-data", expected: "a multipart/form-data" },
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
    `This endpoint takes ${BODY_MEDIA_TYPES[target].expected} body${header ? `, not ${type || "an empty Content-Type"}` : "; send the Content-Type header"}.`,
  );
}

const refuseInvalid = (result: { success: boolean; error?: readonly { message: string; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> }[] }) => {
  if (!result.success) throw new VisibleError(400, "request.invalid", summarize(issueLines(result.error ?? [])));
};

const tooLarge = (maxSize: number, hint: string) =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw new VisibleError(413, "request.too_large", `The request body exceeds ${maxSize} bytes.${hint}`);
    },
  });

interface BodyOptions {
  /** Whether a body must be sent (default true). */
  required?: boolean;
  /** The largest body taken, in bytes (default JSON_BODY_LIMIT). */
  maxBytes?: number;
  /** Said after the 413's detail, e.g. where larger bodies go. */
  tooLargeHint?: string;
}

/**
 * Validates one part of the request against its shape; `c.req.valid(target)` is then the parsed
 * value. Every failure, in any route, becomes the same 400. A body's media type and size are
 * checked first (415, 413), within this one middleware, so a route declares its body in one place.
 */
export function validate<T extends keyof ValidationTargets & ("json" | "form" | "query" | "param" | "header"), S extends v.GenericSchema>(
  target: T,
  schema: S,
  options: BodyOptions = {},
) {
  // Parameters are documented as what they parse to (`limit` an integer), bodies as what is sent.
  const check = validator(target, schema, refuseInvalid, target === "json" || target === "form" ? undefined : { options: { typeMode: "output" } });
  if (target !== "json" && target !== "form") return check;
  const required = options.required ?? true;
  const limit = tooLarge(options.maxBytes ?? JSON_BODY_LIMIT, options.tooLargeHint ?? "");
  const body: typeof check = async (c, next) => {
    checkMediaType(c, target, required);
    return limit(c, () => check(c, next) as Promise<void>);
  };
  // hono-openapi documents a validator by the marker it carries (its documented way to extend it).
  const marked = check as unknown as Record<typeof uniqueSymbol, { spec?: unknown }>;
  return Object.assign(body, { [uniqueSymbol]: marked[uniqueSymbol] }) as typeof check;
}

/** A job was accepted: 202 with the job, and where to follow it. */
export const acceptedJob = <C extends Context>(c: C, job: Job) => {
  c.header("Location", `/jobs/${job.id}`);
  return c.json(job, 202);
};
