/**
 * The API contract, checked on every response a test receives through the test client
 * (./server.ts): the operation must document the status, and a JSON answer must match the
 * document's schema for that operation and status. The document is the one the app serves,
 * checked once by a maintained OpenAPI validator; bodies are checked by Ajv (JSON Schema 2020-12,
 * OpenAPI 3.1's dialect).
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

type Document = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };

interface Operation {
  method: string;
  path: string;
  pattern: RegExp;
  templated: number;
}

/** Served outside the API's operations: the document itself and the reference page. */
const UNDOCUMENTED = /^\/(openapi\.json|docs(\/.*)?)$/;

/** The schema every quota refusal must match, whatever else its status may answer. */
const QUOTA_EXCEEDED = "#/components/schemas/QuotaExceeded";

/** JSON Pointer escaping of one reference token. */
const pointer = (token: string) => token.replace(/~/g, "~0").replace(/\//g, "~1");

export class ContractViolation extends Error {
  override name = "ContractViolation";
}

export interface Contract {
  /** Throws a ContractViolation unless `status` and `body` are what the document says `method path` answers. */
  check(method: string, path: string, status: number, contentType: string | null, body: string): void;
}

export async function loadContract(document: unknown): Promise<Contract> {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(document) as Parameters<Validator["validate"]>[0]);
  if (!result.valid) throw new ContractViolation(`The OpenAPI document is invalid: ${JSON.stringify(result.errors).slice(0, 2000)}`);
  const doc = document as Document;
  const ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc as object, "openapi");
  const validators = new Map<string, ValidateFunction>();
  const schemaAt = (ref: string) => {
    let validate = validators.get(ref);
    if (!validate) validators.set(ref, (validate = ajv.compile({ $ref: ref })));
    return validate;
  };
  const operations: Operation[] = Object.entries(doc.paths)
    .flatMap(([path, item]) =>
      Object.keys(item).map((method) => ({
        method: method.toUpperCase(),
        path,
        pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, "[^/]+")}$`),
        templated: (path.match(/\{/g) ?? []).length,
      })),
    )
    // A literal segment wins over a parameter: /history/stats is not /history/{id}.
    .sort((a, b) => a.templated - b.templated);

  const errorSchema = schemaAt("openapi#/components/schemas/Error");
  const validateBody = (validate: ValidateFunction, what: string, contentType: string | null, body: string) => {
    if (!contentType?.includes("json")) throw new ContractViolation(`${what}: expected a JSON body, got Content-Type ${contentType}`);
    const value = JSON.parse(body);
    if (!validate(value)) {
      throw new ContractViolation(`${what}: the body does not match the document: ${ajv.errorsText(validate.errors)}; body ${body.slice(0, 500)}`);
    }
  };

  return {
    check(method, path, status, contentType, body) {
      if (UNDOCUMENTED.test(path)) return;
      const verb = method === "HEAD" ? "GET" : method;
      const operation = operations.find((op) => op.method === verb && op.pattern.test(path));
      const what = `${method} ${path} answered ${status}`;
      if (!operation && method === "OPTIONS") {
        if (status !== 204) throw new ContractViolation(`${what}: a preflight answers 204`);
        return;
      }
      if (!operation) {
        // No operation: the router's own answers (or the gateway's 401), each with an error body.
        if (![401, 404, 405].includes(status)) throw new ContractViolation(`${what}, and no operation documents ${method} ${path}`);
        if (method !== "HEAD") validateBody(errorSchema, what, contentType, body);
        return;
      }
      const response = doc.paths[operation.path]![operation.method.toLowerCase()]!.responses[String(status)];
      if (!response) throw new ContractViolation(`${what}, which ${operation.method} ${operation.path} does not document`);
      if (!response.content || method === "HEAD") return;
      const ref = `openapi#/paths/${pointer(operation.path)}/${operation.method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
      validateBody(schemaAt(ref), what, contentType, body);
      // A 409 may be any error, so its schema alone lets a quota refusal without its fields through.
      if ((JSON.parse(body) as { code?: unknown }).code === "quota.exceeded") {
        if (!JSON.stringify(response.content).includes(QUOTA_EXCEEDED)) {
          throw new ContractViolation(`${what} quota.exceeded, which ${operation.method} ${operation.path} does not document as ${QUOTA_EXCEEDED}`);
        }
        validateBody(schemaAt(`openapi${QUOTA_EXCEEDED}`), what, contentType, body);
      }
    },
  };
}
