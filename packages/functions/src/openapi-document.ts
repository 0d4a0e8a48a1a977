/**
 * The OpenAPI 3.1 document, written from what the routes declare (./openapi.ts): operations from
 * `describe`, parameters and bodies from `validate`, schemas by zod's own JSON Schema generator.
 * Imported only when /openapi.json is asked for, so the generator never weighs on a cold start.
 */
import type { RouterRoute } from "hono/types";
import { findTargetHandler } from "hono/utils/handler";
import { globalRegistry, toJSONSchema, type ZodMiniLazy, type ZodMiniObject, type ZodMiniType } from "zod/mini";
import { REQUEST_DOC, ROUTE_DOC, type RequestDoc, type RouteDoc, errorResponse } from "./openapi";
import { documentation } from "./schemas";

type JsonSchema = Record<string, unknown>;

interface Operation {
  method: string;
  path: string;
  doc?: RouteDoc;
  requests: RequestDoc[];
}

const componentRef = (id: string) => `#/components/schemas/${id}`;

const BODY_TYPES = { json: "application/json", form: "multipart/form-data" } as const;
const PARAMETER_PLACES = { query: "query", param: "path", header: "header" } as const;

/** `/history/:id/versions/:versionId` as OpenAPI writes it. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

/** Each (method, path) with the docs its handlers carry; `app.route` wraps handlers, hence findTargetHandler. */
function operationsOf(routes: RouterRoute[]): Operation[] {
  const operations = new Map<string, Operation>();
  for (const route of routes) {
    const handler = findTargetHandler(route.handler) as { [ROUTE_DOC]?: RouteDoc; [REQUEST_DOC]?: RequestDoc };
    if (!handler[ROUTE_DOC] && !handler[REQUEST_DOC]) continue;
    const key = `${route.method} ${route.path}`;
    const operation = operations.get(key) ?? { method: route.method.toLowerCase(), path: route.path, requests: [] };
    if (handler[ROUTE_DOC]) operation.doc = handler[ROUTE_DOC];
    if (handler[REQUEST_DOC]) operation.requests.push(handler[REQUEST_DOC]);
    operations.set(key, operation);
  }
  return [...operations.values()].filter((operation) => operation.doc);
}

/** A named component as a reference, anything else inline. */
function schemaOf(schema: ZodMiniType, io: "input" | "output"): JsonSchema {
  const id = globalRegistry.get(schema)?.id;
  if (id) return { $ref: componentRef(id) };
  const { $schema: _, ...inline } = toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return inline;
}

function parametersOf(request: RequestDoc): JsonSchema[] {
  const place = PARAMETER_PLACES[request.target as keyof typeof PARAMETER_PLACES];
  // Parameter schemas are `z.lazy` objects (./schemas.ts); their fields are the parameters.
  const shape = (request.schema as ZodMiniLazy<ZodMiniObject>)._zod.innerType._zod.def.shape;
  return Object.entries(shape).map(([name, field]) => {
    const { description, ...schema } = schemaOf(field as ZodMiniType, "input");
    return {
      name,
      in: place,
      required: place === "path" || field._zod.optin === undefined,
      ...(description ? { description } : {}),
      schema,
    };
  });
}

function operationOf(operation: Operation, requestComponents: Set<ZodMiniType>): JsonSchema {
  const doc = operation.doc!;
  const parameters = operation.requests.filter((r) => r.target in PARAMETER_PLACES).flatMap(parametersOf);
  const body = operation.requests.find((r) => r.target in BODY_TYPES);
  if (body) requestComponents.add(body.schema);
  const responses = body
    ? { ...doc.responses, 415: errorResponse(`The body is not ${BODY_TYPES[body.target as keyof typeof BODY_TYPES]}.`) }
    : doc.responses;
  return {
    tags: doc.tags,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            required: body.required,
            content: { [BODY_TYPES[body.target as keyof typeof BODY_TYPES]]: { schema: schemaOf(body.schema, "input") } },
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(responses).map(([status, response]) => [
        status,
        {
          description: response.description,
          ...(response.schema ? { content: { "application/json": { schema: schemaOf(response.schema, "output") } } } : {}),
        },
      ]),
    ),
  };
}

/** Ids of the components a request body reaches, directly or through references. */
function reachableIds(roots: Iterable<string>, schemas: Record<string, JsonSchema>): Set<string> {
  const seen = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== "object") return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === "$ref" && typeof inner === "string" && inner.startsWith(componentRef(""))) {
        const id = inner.slice(componentRef("").length);
        if (!seen.has(id)) {
          seen.add(id);
          visit(schemas[id]);
        }
      } else visit(inner);
    }
  };
  for (const id of roots) visit({ $ref: componentRef(id) });
  return seen;
}

/**
 * Components are written twice by zod, as accepted (defaults optional) and as answered; a
 * component any request body reaches is documented as accepted, every other as answered.
 */
function componentsOf(requestComponents: Set<ZodMiniType>): Record<string, JsonSchema> {
  const write = (io: "input" | "output") =>
    toJSONSchema(globalRegistry, { io, uri: componentRef, unrepresentable: "any" }).schemas as Record<string, JsonSchema>;
  const accepted = write("input");
  const answered = write("output");
  const requestIds = [...requestComponents].map((schema) => globalRegistry.get(schema)?.id).filter((id): id is string => !!id);
  const asAccepted = reachableIds(requestIds, accepted);
  return Object.fromEntries(
    Object.keys(answered)
      .sort()
      .map((id) => {
        const { $schema: _, $id: __, ...schema } = (asAccepted.has(id) ? accepted : answered)[id]!;
        return [id, schema];
      }),
  );
}

/**
 * Builds every schema (each is a `z.lazy` that describes its fields as it builds) and hands their
 * documentation to zod's registry, which its JSON Schema generator reads.
 */
function registerDocumentation(): void {
  let known = -1;
  while (known !== documentation.size) {
    known = documentation.size;
    for (const schema of [...documentation.keys()]) if (schema._zod.def.type === "lazy") void (schema as ZodMiniLazy)._zod.innerType;
  }
  for (const [schema, meta] of documentation) if (!globalRegistry.has(schema)) globalRegistry.add(schema, { ...meta });
}

export function openApiDocument(routes: RouterRoute[], info: { title: string; version: string; description: string }): JsonSchema {
  registerDocumentation();
  const requestComponents = new Set<ZodMiniType>();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const operation of operationsOf(routes)) {
    (paths[openApiPath(operation.path)] ??= {})[operation.method] = operationOf(operation, requestComponents);
  }
  return {
    openapi: "3.1.0",
    info,
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas: componentsOf(requestComponents),
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    },
  };
}
