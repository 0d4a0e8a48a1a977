import * as v from "valibot";

/**
 * A shape the OpenAPI document names as a component (`#/components/schemas/<ref>`), described
 * once; hono-openapi's valibot converter reads the `ref` metadata.
 */
export const named = <S extends v.GenericSchema>(ref: string, schema: S, description?: string) =>
  description
    ? v.pipe(schema, v.description(description), v.metadata({ ref }))
    : v.pipe(schema, v.metadata({ ref }));

/** A field with a description (and examples) for the document. */
export const about = <S extends v.GenericSchema>(schema: S, description: string, examples?: readonly v.InferOutput<S>[]) =>
  examples ? v.pipe(schema, v.description(description), v.metadata({ examples })) : v.pipe(schema, v.description(description));

/** A field with examples for the document. */
export const example = <S extends v.GenericSchema>(schema: S, ...examples: v.InferOutput<S>[]) => v.pipe(schema, v.metadata({ examples }));

export const integer = v.pipe(v.number(), v.integer());
export const count = v.pipe(v.number(), v.integer(), v.minValue(0));
export const nullableInt = v.nullable(integer);
export const seconds = v.pipe(v.number(), v.minValue(0));
export const instant = v.pipe(v.string(), v.description("An ISO 8601 date-time in UTC."));
