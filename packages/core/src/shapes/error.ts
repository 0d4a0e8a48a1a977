import * as v from "valibot";
import { about, count, example, named } from "./named";

const errorFields = {
  detail: example(v.string(), 'No generation with id "0199...".'),
  code: example(v.string(), "generation.not_found"),
};

export const ErrorSchema = named("Error", v.object(errorFields));

/** The settings a write can be refused by. */
const quotaSettings = ["quota_bytes", "profile_quota_bytes", "quota_generations", "profile_quota_generations"] as const;

export const QuotaExceededSchema = named(
  "QuotaExceeded",
  v.object({
    ...errorFields,
    code: v.literal("quota.exceeded"),
    quota: about(v.picklist(quotaSettings), "The setting (in /settings) whose limit was reached."),
    limit: about(count, "Its value."),
    count: about(count, "Where the tenant or the profile stands: generations not in the trash for a count quota, bytes for a byte quota."),
  }),
  "A write that would take the tenant or a profile past a quota.",
);

/** A 409: a state that does not allow the change, or a quota it would cross. */
export const ConflictSchema = v.union([QuotaExceededSchema, ErrorSchema]);

/** A 401: ours (locally), or API Gateway's JWT authorizer's (deployed), which we cannot shape. */
export const UnauthorizedSchema = v.union([ErrorSchema, named("GatewayError", v.object({ message: example(v.string(), "Unauthorized") }))]);

export const HealthSchema = named("Health", v.object({ status: v.literal("ok") }));
