import * as v from "valibot";
import { example, named } from "./named";

export const ErrorSchema = named(
  "Error",
  v.object({
    detail: example(v.string(), 'No generation with id "0199...".'),
    code: example(v.string(), "generation.not_found"),
  }),
);

/** A 401: ours (locally), or API Gateway's JWT authorizer's (deployed), which we cannot shape. */
export const UnauthorizedSchema = v.union([ErrorSchema, named("GatewayError", v.object({ message: example(v.string(), "Unauthorized") }))]);

export const HealthSchema = named("Health", v.object({ status: v.literal("ok") }));
