/**
 * Evaluates sst.config.ts and infra/*.ts without the SST CLI (which needs the internet): recording
 * stubs stand in for the `sst`, `aws`, `$app`, `$output`, `$interpolate` and `$config` globals, and
 * the recorded component args are checked against the schema the local stack uses.
 *
 * The stubs reject arg names the real components do not have. The allow-lists are copied from the
 * arg interfaces in sst v4.17.0 (platform/src/components/aws/{dynamo,bucket,function,apigatewayv2}.ts,
 * platform/src/components/secret.ts) and, for raw lifecycle rules, from @pulumi/aws v7's
 * s3.BucketLifecycleConfiguration; update them together with an SST upgrade.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import ts from "typescript";
import { createTableInput, keyAttributes, tableSchema } from "../packages/core/src/table/schema";
import { objectKeys } from "../packages/core/src/storage/keys";

const root = fileURLToPath(new URL("..", import.meta.url));
const at = (relative: string) => path.join(root, relative);

// ---------------------------------------------------------------------------------------------
// Outputs: a synchronous stand-in for Pulumi's Output, enough for `apply` chains and identity checks.

class FakeOutput<T = unknown> {
  constructor(readonly value: T) {}
  apply<U>(fn: (value: T) => U): FakeOutput<unknown> {
    const result = fn(this.value);
    return result instanceof FakeOutput ? result : new FakeOutput(result);
  }
}

const unwrap = (value: unknown): unknown => (value instanceof FakeOutput ? unwrap(value.value) : value);

// ---------------------------------------------------------------------------------------------
// Arg validation.

type Args = Record<string, unknown>;

const isObject = (value: unknown): value is Args => typeof value === "object" && value !== null && !Array.isArray(value);

function checkKeys(where: string, value: unknown, allowed: readonly string[]): Args {
  const resolved = unwrap(value);
  if (!isObject(resolved)) throw new Error(`${where}: expected an object, got ${JSON.stringify(resolved)}`);
  for (const key of Object.keys(resolved)) {
    if (!allowed.includes(key)) throw new Error(`${where}: unknown arg "${key}" (allowed: ${allowed.join(", ")})`);
  }
  return resolved;
}

function checkOneOf(where: string, value: unknown, allowed: readonly string[]) {
  const resolved = unwrap(value);
  if (resolved === undefined) return;
  if (typeof resolved !== "string" || !allowed.includes(resolved)) {
    throw new Error(`${where}: ${JSON.stringify(resolved)} is not one of ${allowed.join(", ")}`);
  }
}

const DURATION = /^(\d+(?:\.\d+)?) (second|seconds|minute|minutes|hour|hours|day|days)$/;
const SIZE = /^(\d+(?:\.\d+)?) (MB|GB)$/;
const UNIT_SECONDS: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86400 };

function toSeconds(where: string, value: unknown): number {
  const resolved = unwrap(value);
  const match = typeof resolved === "string" ? DURATION.exec(resolved) : null;
  if (!match) throw new Error(`${where}: ${JSON.stringify(resolved)} is not an SST duration like "29 seconds"`);
  return Number(match[1]) * (UNIT_SECONDS[match[2]!.replace(/s$/, "")] ?? Number.NaN);
}

function toMegabytes(where: string, value: unknown): number {
  const resolved = unwrap(value);
  const match = typeof resolved === "string" ? SIZE.exec(resolved) : null;
  if (!match) throw new Error(`${where}: ${JSON.stringify(resolved)} is not an SST size like "1024 MB"`);
  return Number(match[1]) * (match[2] === "GB" ? 1024 : 1);
}

const COMPONENT_NAME = /^[A-Z][A-Za-z0-9]*$/;

const allow = {
  dynamo: ["fields", "primaryIndex", "globalIndexes", "localIndexes", "stream", "ttl", "deletionProtection", "transform"],
  dynamoTransform: ["table"],
  dynamoPrimaryIndex: ["hashKey", "rangeKey"],
  dynamoGlobalIndex: ["hashKey", "rangeKey", "projection"],
  dynamoStream: ["keys-only", "new-image", "old-image", "new-and-old-images"],
  bucket: ["public", "access", "policy", "enforceHttps", "cors", "lifecycle", "versioning", "transform"],
  bucketCors: ["allowHeaders", "allowOrigins", "allowMethods", "exposeHeaders", "maxAge"],
  bucketCorsMethods: ["DELETE", "GET", "HEAD", "POST", "PUT"],
  bucketLifecycle: ["id", "prefix", "enabled", "expiresIn", "expiresAt"],
  bucketTransform: ["bucket", "cors", "policy", "versioning", "lifecycle", "publicAccessBlock"],
  function: [
    "live", "dev", "retries", "name", "description", "runtime", "bundle", "handler", "timeout", "memory", "storage",
    "environment", "permissions", "policies", "link", "streaming", "injections", "logging", "architecture", "role",
    "url", "nodejs", "python", "copyFiles", "concurrency", "versioning", "layers", "volume", "tags", "vpc", "hook",
    "durable", "transform",
  ],
  functionNodejs: ["plugins", "loader", "install", "banner", "esbuild", "minify", "format", "sourcemap", "splitting"],
  functionRuntime: [
    "nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x", "go", "rust", "provided.al2", "provided.al2023",
    "python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14",
  ],
  functionArchitecture: ["x86_64", "arm64"],
  apiGatewayV2: ["link", "domain", "cors", "accessLog", "vpc", "transform"],
  apiGatewayV2Cors: ["allowCredentials", "allowHeaders", "allowOrigins", "allowMethods", "exposeHeaders", "maxAge"],
  apiGatewayV2Route: ["auth", "name", "transform"],
  linkable: ["properties", "include"],
  // @pulumi/aws v7 s3.BucketLifecycleConfiguration rule shapes.
  lifecycleRule: [
    "id", "status", "filter", "expiration", "transitions", "abortIncompleteMultipartUpload",
    "noncurrentVersionExpiration", "noncurrentVersionTransitions", "prefix",
  ],
  lifecycleFilter: ["prefix", "tag", "and", "objectSizeGreaterThan", "objectSizeLessThan"],
  lifecycleExpiration: ["days", "date", "expiredObjectDeleteMarker"],
  lifecycleTransition: ["days", "date", "storageClass"],
  lifecycleAbort: ["daysAfterInitiation"],
  storageClasses: ["STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"],
} as const;

// ---------------------------------------------------------------------------------------------
// Recording stubs.

interface Construction {
  type: string;
  name: string;
  args: Args;
  stage: string;
  instance: object;
}

const constructions: Construction[] = [];
const app = { name: "sonna-history", stage: "test" };

function record(type: string, name: string, args: Args, instance: object) {
  if (!COMPONENT_NAME.test(name)) throw new Error(`${type} "${name}": names must be PascalCase letters and digits`);
  const clash = constructions.find((c) => c.type === type && c.name === name && c.stage === app.stage);
  if (clash) throw new Error(`${type} "${name}" is constructed twice`);
  constructions.push({ type, name, args, stage: app.stage, instance });
}

const outputFor = (type: string, name: string, property: string) => new FakeOutput(`<${type}:${name}.${property}>`);

class Dynamo {
  readonly name: FakeOutput;
  readonly arn: FakeOutput;
  constructor(name: string, args: Args) {
    const where = `sst.aws.Dynamo("${name}")`;
    checkKeys(where, args, allow.dynamo);
    const fields = checkKeys(`${where}.fields`, args.fields, Object.keys(unwrap(args.fields) as Args));
    for (const [field, type] of Object.entries(fields)) checkOneOf(`${where}.fields.${field}`, type, ["string", "number", "binary"]);
    const used = new Set<unknown>();
    const primary = checkKeys(`${where}.primaryIndex`, args.primaryIndex, allow.dynamoPrimaryIndex);
    used.add(unwrap(primary.hashKey)).add(unwrap(primary.rangeKey));
    for (const [index, def] of Object.entries((unwrap(args.globalIndexes) as Args | undefined) ?? {})) {
      const gsi = checkKeys(`${where}.globalIndexes.${index}`, def, allow.dynamoGlobalIndex);
      used.add(unwrap(gsi.hashKey)).add(unwrap(gsi.rangeKey));
    }
    used.delete(undefined);
    // DynamoDB itself refuses attribute definitions that no key uses, and keys that are not defined.
    for (const key of used) if (!(String(key) in fields)) throw new Error(`${where}: key "${String(key)}" is missing from fields`);
    for (const field of Object.keys(fields)) if (!used.has(field)) throw new Error(`${where}: field "${field}" is not a key of any index`);
    checkOneOf(`${where}.stream`, args.stream, allow.dynamoStream);
    if (args.transform !== undefined) checkKeys(`${where}.transform`, args.transform, allow.dynamoTransform);
    this.name = outputFor("Dynamo", name, "name");
    this.arn = outputFor("Dynamo", name, "arn");
    record("sst.aws.Dynamo", name, args, this);
  }
}

class Bucket {
  readonly name: FakeOutput;
  readonly arn: FakeOutput;
  readonly domain: FakeOutput;
  constructor(name: string, args: Args = {}) {
    const where = `sst.aws.Bucket("${name}")`;
    checkKeys(where, args, allow.bucket);
    checkOneOf(`${where}.access`, args.access, ["public", "cloudfront"]);
    const cors = unwrap(args.cors);
    if (cors !== undefined && cors !== false && cors !== true) {
      const c = checkKeys(`${where}.cors`, cors, allow.bucketCors);
      for (const method of (unwrap(c.allowMethods) as unknown[] | undefined) ?? []) {
        checkOneOf(`${where}.cors.allowMethods`, method, allow.bucketCorsMethods);
      }
      if (c.maxAge !== undefined && toSeconds(`${where}.cors.maxAge`, c.maxAge) > 86400) {
        throw new Error(`${where}.cors.maxAge: S3 caps preflight caching at 1 day`);
      }
    }
    for (const [i, rule] of ((unwrap(args.lifecycle) as unknown[] | undefined) ?? []).entries()) {
      const r = checkKeys(`${where}.lifecycle[${i}]`, rule, allow.bucketLifecycle);
      if (r.expiresIn !== undefined && !/^\d+ days?$/.test(String(unwrap(r.expiresIn)))) {
        throw new Error(`${where}.lifecycle[${i}].expiresIn: must be whole days like "1 day"`);
      }
    }
    if (args.transform !== undefined) checkKeys(`${where}.transform`, args.transform, allow.bucketTransform);
    this.name = outputFor("Bucket", name, "name");
    this.arn = outputFor("Bucket", name, "arn");
    this.domain = outputFor("Bucket", name, "domain");
    record("sst.aws.Bucket", name, args, this);
  }
}

class SstFunction {
  readonly name: FakeOutput;
  readonly arn: FakeOutput;
  readonly url: FakeOutput;
  constructor(name: string, args: Args) {
    const where = `sst.aws.Function("${name}")`;
    checkKeys(where, args, allow.function);
    if (typeof args.handler !== "string" || !/^[^\s]+\.[A-Za-z_$][\w$]*$/.test(args.handler)) {
      throw new Error(`${where}.handler: expected "path/to/file.export"`);
    }
    checkOneOf(`${where}.runtime`, args.runtime, allow.functionRuntime);
    checkOneOf(`${where}.architecture`, args.architecture, allow.functionArchitecture);
    if (args.timeout !== undefined) toSeconds(`${where}.timeout`, args.timeout);
    if (args.memory !== undefined) {
      const mb = toMegabytes(`${where}.memory`, args.memory);
      if (mb < 128 || mb > 10240) throw new Error(`${where}.memory: Lambda allows 128 MB to 10240 MB`);
    }
    if (args.nodejs !== undefined) checkKeys(`${where}.nodejs`, args.nodejs, allow.functionNodejs);
    if (args.environment !== undefined) {
      for (const [key, value] of Object.entries(checkKeys(`${where}.environment`, args.environment, Object.keys(unwrap(args.environment) as Args)))) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`${where}.environment: invalid variable name "${key}"`);
        if (!(value instanceof FakeOutput) && typeof value !== "string") throw new Error(`${where}.environment.${key}: must be a string`);
      }
    }
    this.name = outputFor("Function", name, "name");
    this.arn = new FakeOutput(`arn:aws:lambda:us-east-1:000000000000:function:${app.name}-${app.stage}-${name}`);
    this.url = outputFor("Function", name, "url");
    record("sst.aws.Function", name, args, this);
  }
}

interface Route {
  rawRoute: string;
  handler: unknown;
  args: Args;
}

class ApiGatewayV2 {
  readonly url: FakeOutput;
  readonly routes: Route[] = [];
  private readonly label: string;
  constructor(name: string, args: Args = {}) {
    const where = `sst.aws.ApiGatewayV2("${name}")`;
    this.label = where;
    checkKeys(where, args, allow.apiGatewayV2);
    const cors = unwrap(args.cors);
    if (cors !== undefined && typeof cors !== "boolean") {
      const c = checkKeys(`${where}.cors`, cors, allow.apiGatewayV2Cors);
      if (c.maxAge !== undefined) toSeconds(`${where}.cors.maxAge`, c.maxAge);
    }
    this.url = outputFor("ApiGatewayV2", name, "url");
    record("sst.aws.ApiGatewayV2", name, args, this);
  }
  route(rawRoute: string, handler: unknown, args: Args = {}) {
    // Mirrors ApiGatewayV2.parseRoute: "$default" or "METHOD /path".
    const valid =
      rawRoute.toLowerCase() === "$default" ||
      /^(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/\S*$/.test(rawRoute);
    if (!valid) throw new Error(`${this.label}.route: invalid route "${rawRoute}"`);
    checkKeys(`${this.label}.route("${rawRoute}") args`, args, allow.apiGatewayV2Route);
    const target = unwrap(handler);
    if (typeof target === "string") {
      if (!target.startsWith("arn:") && !/^[^\s]+\.[A-Za-z_$][\w$]*$/.test(target)) {
        throw new Error(`${this.label}.route: handler "${target}" is neither an ARN nor "file.export"`);
      }
    } else {
      checkKeys(`${this.label}.route("${rawRoute}") handler`, target, allow.function);
    }
    this.routes.push({ rawRoute, handler, args });
  }
}

class Secret {
  readonly name: FakeOutput;
  readonly value: FakeOutput;
  readonly placeholder: FakeOutput | undefined;
  constructor(name: string, placeholder?: unknown, ...rest: unknown[]) {
    if (rest.length > 0) throw new Error(`sst.Secret("${name}") takes (name, placeholder?)`);
    if (placeholder !== undefined && typeof unwrap(placeholder) !== "string") {
      throw new Error(`sst.Secret("${name}"): placeholder must be a string`);
    }
    this.name = new FakeOutput(name);
    this.value = outputFor("Secret", name, "value");
    this.placeholder = placeholder === undefined ? undefined : new FakeOutput(unwrap(placeholder));
    record("sst.Secret", name, { placeholder }, this);
  }
}

class Linkable {
  readonly properties: unknown;
  constructor(name: string, args: Args) {
    checkKeys(`sst.Linkable("${name}")`, args, allow.linkable);
    this.properties = args.properties;
    record("sst.Linkable", name, args, this);
  }
}

/** Raw Pulumi resources (`new aws.s3.X(...)`): recorded under their dotted type, args unchecked. */
function awsNamespace(prefix: string): unknown {
  return new Proxy(function () {}, {
    get: (_target, property) => (typeof property === "string" ? awsNamespace(`${prefix}.${property}`) : undefined),
    construct: (_target, [name, args]) => {
      const instance = { id: new FakeOutput(`<${prefix}:${String(name)}.id>`) };
      constructions.push({ type: prefix, name: String(name), args: (args as Args) ?? {}, stage: app.stage, instance });
      return instance;
    },
  });
}

Object.assign(globalThis, {
  sst: { aws: { Dynamo, Bucket, Function: SstFunction, ApiGatewayV2 }, Secret, Linkable },
  aws: awsNamespace("aws"),
  $app: app,
  $dev: false,
  $config: (config: unknown) => config,
  $output: (value: unknown) => new FakeOutput(unwrap(value)),
  $interpolate: (strings: TemplateStringsArray, ...values: unknown[]) =>
    new FakeOutput(strings.reduce((text, part, i) => text + part + (i < values.length ? String(unwrap(values[i])) : ""), "")),
});

// ---------------------------------------------------------------------------------------------
// What SST makes of the recorded args, transcribed from the v4.17.0 sources, so the checks below
// see the raw resources that would be deployed.

/** Dynamo.createTable → aws.dynamodb.Table args (keys that matter for the schema). */
function sstTableArgs(args: Args) {
  const fields = unwrap(args.fields) as Record<string, string>;
  const primary = unwrap(args.primaryIndex) as { hashKey: string; rangeKey?: string };
  const globals = (unwrap(args.globalIndexes) as Record<string, { hashKey: string; rangeKey?: string; projection?: unknown }>) ?? {};
  return {
    attributes: Object.entries(fields).map(([name, type]) => ({ name, type: type === "string" ? "S" : type === "number" ? "N" : "B" })),
    billingMode: "PAY_PER_REQUEST",
    hashKey: primary.hashKey,
    rangeKey: primary.rangeKey,
    globalSecondaryIndexes: Object.entries(globals).map(([name, index]) => ({
      name,
      hashKey: index.hashKey,
      rangeKey: index.rangeKey,
      projectionType: index.projection === "keys-only" ? "KEYS_ONLY" : Array.isArray(index.projection) ? "INCLUDE" : "ALL",
    })),
    ttl: args.ttl === undefined ? undefined : { attributeName: unwrap(args.ttl), enabled: true },
  };
}

type LifecycleTransform = (args: Args, opts: Args, name: string) => void;

/** Bucket.createLifecycle → aws.s3.BucketLifecycleConfiguration rules, after `transform.lifecycle`. */
function sstLifecycleRules(name: string, args: Args): Args[] {
  const rules = ((unwrap(args.lifecycle) as Args[] | undefined) ?? []).map((rule, index) => ({
    id: (unwrap(rule.id) as string | undefined) ?? `${name}LifecycleRule${index}`,
    status: unwrap(rule.enabled) !== false ? "Enabled" : "Disabled",
    expiration:
      rule.expiresIn || rule.expiresAt
        ? {
            days: rule.expiresIn ? toSeconds("expiresIn", rule.expiresIn) / 86400 : undefined,
            date: rule.expiresAt ? `${String(unwrap(rule.expiresAt))}T00:00:00Z` : undefined,
          }
        : undefined,
    filter: rule.prefix ? { prefix: unwrap(rule.prefix) } : undefined,
  }));
  if (rules.length === 0) return [];
  let resourceArgs: Args = { bucket: outputFor("Bucket", name, "bucket"), rules };
  const transform = (unwrap(args.transform) as Args | undefined)?.lifecycle;
  if (typeof transform === "function") (transform as LifecycleTransform)(resourceArgs, {}, `${name}Lifecycle`);
  else if (isObject(transform)) resourceArgs = { ...resourceArgs, ...transform };
  const final = unwrap(resourceArgs.rules);
  assert.ok(Array.isArray(final), "lifecycle rules must stay a list after the transform");
  return final.map((rule) => unwrap(rule) as Args);
}

// ---------------------------------------------------------------------------------------------

const importInfra = async (file: string, query = "") => import(new URL(`../infra/${file}${query}`, import.meta.url).href);

const one = (type: string, stage = "test"): Construction => {
  const found = constructions.filter((c) => c.type === type && c.stage === stage);
  assert.equal(found.length, 1, `expected exactly one ${type} in stage ${stage}, got ${found.length}`);
  return found[0]!;
};

let config: { app: (input: { stage: string }) => Args; run: () => Promise<Args> };
let api: { api: ApiGatewayV2; apiFunction: SstFunction };

before(async () => {
  config = (await import(new URL("../sst.config.ts", import.meta.url).href)).default;
  // Every file on its own, as sst.config.ts's run() would, so no check depends on who imports whom.
  for (const file of readdirSync(at("infra")).filter((f) => f.endsWith(".ts"))) await importInfra(file);
  api = await importInfra("api.ts");
});

describe("table", () => {
  test("fields are exactly the key attributes, all strings", () => {
    const { args } = one("sst.aws.Dynamo");
    assert.deepEqual(unwrap(args.fields), Object.fromEntries(keyAttributes.map((k) => [k, "string"])));
  });

  test("primary index, GSIs and TTL come from tableSchema", () => {
    const { args } = one("sst.aws.Dynamo");
    assert.deepEqual(unwrap(args.primaryIndex), { hashKey: tableSchema.partitionKey, rangeKey: tableSchema.sortKey });
    const expected = Object.fromEntries(
      Object.entries(tableSchema.indexes).map(([name, i]) => [name, { hashKey: i.partitionKey, rangeKey: i.sortKey }]),
    );
    assert.deepEqual(unwrap(args.globalIndexes), expected);
    assert.equal(unwrap(args.ttl), tableSchema.ttlAttribute);
    assert.equal(args.localIndexes, undefined);
  });

  test("the deployed table and createTableInput() agree on attributes, keys and GSIs", () => {
    const deployed = sstTableArgs(one("sst.aws.Dynamo").args);
    const local = createTableInput("any-name");
    const byName = <T extends { name?: string; AttributeName?: string; IndexName?: string }>(list: T[]) =>
      [...list].sort((a, b) => String(a.name ?? a.AttributeName ?? a.IndexName).localeCompare(String(b.name ?? b.AttributeName ?? b.IndexName)));

    assert.equal(deployed.billingMode, local.BillingMode);
    assert.deepEqual(
      byName(deployed.attributes).map((a) => [a.name, a.type]),
      byName(local.AttributeDefinitions).map((a) => [a.AttributeName, a.AttributeType]),
    );
    assert.deepEqual(
      [
        { AttributeName: deployed.hashKey, KeyType: "HASH" },
        { AttributeName: deployed.rangeKey, KeyType: "RANGE" },
      ],
      local.KeySchema,
    );
    assert.deepEqual(
      byName(deployed.globalSecondaryIndexes).map((g) => ({
        IndexName: g.name,
        KeySchema: [
          { AttributeName: g.hashKey, KeyType: "HASH" },
          { AttributeName: g.rangeKey, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: g.projectionType },
      })),
      byName(local.GlobalSecondaryIndexes),
    );
  });

  test("deletion protection is on in production only (SST always enables PITR)", async () => {
    assert.equal(unwrap(one("sst.aws.Dynamo").args.deletionProtection), false);
    app.stage = "production";
    try {
      await importInfra("table.ts", "?stage=production");
    } finally {
      app.stage = "test";
    }
    assert.equal(unwrap(one("sst.aws.Dynamo", "production").args.deletionProtection), true);
  });
});

describe("bucket", () => {
  test("is private and HTTPS-only", () => {
    const { args } = one("sst.aws.Bucket");
    assert.equal(args.access, undefined);
    assert.equal(args.public, undefined);
    assert.equal(args.policy, undefined);
    assert.notEqual(unwrap(args.enforceHttps), false);
    assert.notEqual((unwrap(args.transform) as Args | undefined)?.publicAccessBlock, false);
  });

  test("CORS allows presigned GET, PUT and HEAD and exposes ETag", () => {
    const cors = unwrap(one("sst.aws.Bucket").args.cors) as Args;
    const methods = unwrap(cors.allowMethods) as string[];
    for (const method of ["GET", "PUT", "HEAD"]) assert.ok(methods.includes(method), `CORS lacks ${method}`);
    assert.ok((unwrap(cors.exposeHeaders) as string[]).includes("ETag"));
    assert.ok((unwrap(cors.allowOrigins) as string[]).length > 0);
  });

  test("lifecycle: exports and imports expire after 1 day, multipart uploads abort after 1 day", () => {
    const { name, args } = one("sst.aws.Bucket");
    const rules = sstLifecycleRules(name, args);
    const expiring = (prefix: string) =>
      rules.filter((r) => (r.filter as Args | undefined)?.prefix === prefix && (r.expiration as Args | undefined)?.days === 1);
    assert.equal(expiring("exports/").length, 1, "no 1-day expiration for exports/");
    assert.equal(expiring("imports/").length, 1, "no 1-day expiration for imports/");

    const abort = rules.filter((r) => (r.abortIncompleteMultipartUpload as Args | undefined)?.daysAfterInitiation === 1);
    assert.equal(abort.length, 1, "no rule aborting incomplete multipart uploads after 1 day");
    const filter = abort[0]!.filter as Args | undefined;
    const wholeBucket = filter === undefined || Object.keys(filter).length === 0 || filter.prefix === "";
    assert.ok(wholeBucket, "the multipart abort rule must cover the whole bucket");
  });

  test("lifecycle: tenant audio moves to an instant-retrieval class after the configured days", async () => {
    const { name, args } = one("sst.aws.Bucket");
    const { AUDIO_ARCHIVE_AFTER_DAYS, AUDIO_ARCHIVE_STORAGE_CLASS, prefixes } = await importInfra("bucket.ts");
    const rule = sstLifecycleRules(name, args).find((r) => (r.filter as Args | undefined)?.prefix === prefixes.tenants);
    assert.ok(rule, "no lifecycle rule for tenant objects");
    assert.deepEqual(rule.transitions, [{ days: AUDIO_ARCHIVE_AFTER_DAYS, storageClass: AUDIO_ARCHIVE_STORAGE_CLASS }]);
    // GLACIER and DEEP_ARCHIVE need a restore before a GET, which would break presigned downloads.
    assert.ok(["STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR"].includes(AUDIO_ARCHIVE_STORAGE_CLASS));
    if (AUDIO_ARCHIVE_STORAGE_CLASS.endsWith("_IA")) assert.ok(AUDIO_ARCHIVE_AFTER_DAYS >= 30, "S3 needs 30 days before an IA class");

    // The prefixes the rules act on are the ones the object keys are built with.
    const audioKey = objectKeys.audio("tenant", "00000000-0000-4000-8000-000000000000");
    assert.ok(audioKey.startsWith(prefixes.tenants), `${audioKey} is outside ${prefixes.tenants}`);
    assert.ok(!audioKey.startsWith(prefixes.exports) && !audioKey.startsWith(prefixes.imports));
  });

  test("lifecycle rules are well-formed for aws.s3.BucketLifecycleConfiguration", () => {
    const { name, args } = one("sst.aws.Bucket");
    const rules = sstLifecycleRules(name, args);
    const ids = rules.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, "rule ids must be unique");
    for (const rule of rules) {
      const where = `lifecycle rule ${String(rule.id)}`;
      const r = checkKeys(where, rule, allow.lifecycleRule);
      assert.ok(typeof r.id === "string" && r.id.trim().length > 0 && r.id.length <= 255, `${where}: bad id`);
      assert.ok(r.status === "Enabled", `${where}: not enabled`);
      if (r.filter !== undefined) checkKeys(`${where}.filter`, r.filter, allow.lifecycleFilter);
      if (r.expiration !== undefined) checkKeys(`${where}.expiration`, r.expiration, allow.lifecycleExpiration);
      if (r.abortIncompleteMultipartUpload !== undefined) {
        checkKeys(`${where}.abortIncompleteMultipartUpload`, r.abortIncompleteMultipartUpload, allow.lifecycleAbort);
      }
      for (const transition of (r.transitions as unknown[] | undefined) ?? []) {
        const t = checkKeys(`${where}.transitions[]`, transition, allow.lifecycleTransition);
        checkOneOf(`${where}.transitions[].storageClass`, t.storageClass, allow.storageClasses);
      }
      const actions = ["expiration", "transitions", "abortIncompleteMultipartUpload", "noncurrentVersionExpiration", "noncurrentVersionTransitions"];
      assert.ok(actions.some((a) => r[a] !== undefined), `${where}: a rule needs at least one action`);
    }
  });
});

describe("api", () => {
  test("the function runs Node 22 on arm64 within API Gateway's 30 s limit", () => {
    const { args } = one("sst.aws.Function");
    assert.equal(args.runtime, "nodejs22.x");
    assert.equal(args.architecture, "arm64");
    assert.ok(toSeconds("timeout", args.timeout) < 30);
  });

  test("the function links the table and the bucket", () => {
    const { args } = one("sst.aws.Function");
    const link = unwrap(args.link) as unknown[];
    assert.ok(link.includes(one("sst.aws.Dynamo").instance), "table not linked");
    assert.ok(link.includes(one("sst.aws.Bucket").instance), "bucket not linked");
  });

  test("the handler path resolves to a file that exports `handler`", () => {
    const handler = String(one("sst.aws.Function").args.handler);
    const dot = handler.lastIndexOf(".");
    const [file, exported] = [handler.slice(0, dot), handler.slice(dot + 1)];
    const source = [".ts", ".js", ".mjs"].map((ext) => at(file + ext)).find((candidate) => existsSync(candidate));
    assert.ok(source, `no file for handler ${handler}`);
    // Parsed, not imported: importing would build the whole app and its AWS clients.
    const ast = ts.createSourceFile(source, readFileSync(source, "utf8"), ts.ScriptTarget.ES2022, true);
    const exportedNames = new Set<string>();
    for (const statement of ast.statements) {
      const isExported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      if (ts.isVariableStatement(statement) && isExported) {
        for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) exportedNames.add(d.name.text);
      } else if (ts.isFunctionDeclaration(statement) && isExported && statement.name) {
        exportedNames.add(statement.name.text);
      } else if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
        for (const e of statement.exportClause.elements) exportedNames.add(e.name.text);
      }
    }
    assert.ok(exportedNames.has(exported), `${path.relative(root, source)} does not export ${exported}`);
  });

  test("the auth settings reach the function as the variables the verifier reads, from Secrets", () => {
    const env = unwrap(one("sst.aws.Function").args.environment) as Args;
    const tokensSource = readFileSync(at("packages/core/src/auth/tokens.ts"), "utf8");
    const secrets = constructions.filter((c) => c.type === "sst.Secret" && c.stage === "test").map((c) => c.instance as Secret);
    for (const variable of ["SONNA_JWKS_URL", "SONNA_JWT_ISSUER", "SONNA_JWT_AUDIENCE"]) {
      assert.ok(tokensSource.includes(`env.${variable}`), `tokens.ts no longer reads ${variable}`);
      assert.ok(secrets.some((s) => s.value === env[variable]), `${variable} is not a Secret's value`);
    }
    // The local-only HS256 secret must never be configured on a deployed function.
    assert.equal(env.SONNA_JWT_SECRET, undefined);
  });

  test("an HTTP API sends every request to the function", () => {
    const gateway = one("sst.aws.ApiGatewayV2").instance as ApiGatewayV2;
    assert.equal(gateway, api.api);
    assert.deepEqual(gateway.routes.map((r) => r.rawRoute), ["$default"]);
    assert.equal(unwrap(gateway.routes[0]!.handler), unwrap(api.apiFunction.arn));
    const cors = unwrap(one("sst.aws.ApiGatewayV2").args.cors) as Args | undefined;
    if (isObject(cors)) {
      const headers = (unwrap(cors.allowHeaders) as string[]).map((h) => h.toLowerCase());
      assert.ok(headers.includes("authorization"), "browsers need Authorization listed explicitly");
    }
  });
});

describe("no hard-coded names", () => {
  const NAME_KEYS = ["name", "tableName", "bucket", "bucketName", "bucketPrefix"];

  function literalNames(value: unknown, trail: string, found: string[], seen = new Set<unknown>()) {
    if (value instanceof FakeOutput || seen.has(value)) return;
    if (Array.isArray(value)) {
      seen.add(value);
      value.forEach((v, i) => literalNames(v, `${trail}[${i}]`, found, seen));
    } else if (isObject(value) && Object.getPrototypeOf(value) === Object.prototype) {
      seen.add(value);
      for (const [key, v] of Object.entries(value)) {
        if (NAME_KEYS.includes(key) && typeof v === "string") found.push(`${trail}.${key} = "${v}"`);
        literalNames(v, `${trail}.${key}`, found, seen);
      }
    }
  }

  test("no component args or transforms set a physical name", () => {
    const found: string[] = [];
    for (const c of constructions.filter((c) => c.type !== "sst.Secret")) {
      literalNames(c.args, `${c.type}("${c.name}")`, found);
      // Function transforms would only show their effect when run; run them on a blank resource.
      for (const [key, transform] of Object.entries((unwrap(c.args.transform) as Args | undefined) ?? {})) {
        if (typeof transform !== "function" || key === "lifecycle") continue;
        const blank: Args = {};
        (transform as LifecycleTransform)(blank, {}, `${c.name}${key}`);
        literalNames(blank, `${c.type}("${c.name}").transform.${key}()`, found);
      }
    }
    assert.deepEqual(found, []);
  });

  test("linked names are not passed by hand", () => {
    const env = (unwrap(one("sst.aws.Function").args.environment) as Args | undefined) ?? {};
    const byHand = Object.keys(env).filter((k) => /TABLE|BUCKET|^SST_RESOURCE_/i.test(k));
    assert.deepEqual(byHand, []);
  });
});

describe("sst.config.ts", () => {
  test("imports every file in infra/", () => {
    const text = readFileSync(at("sst.config.ts"), "utf8");
    const imported = new Set([...text.matchAll(/(?:import\(|from\s+)\s*["']\.\/infra\/([\w-]+)(?:\.ts)?["']/g)].map((m) => m[1]));
    const files = readdirSync(at("infra")).filter((f) => f.endsWith(".ts")).map((f) => f.replace(/\.ts$/, ""));
    assert.ok(files.length > 0);
    for (const file of files) assert.ok(imported.has(file), `sst.config.ts does not import infra/${file}`);
  });

  test("production is retained and protected; other stages are removable", () => {
    const production = config.app({ stage: "production" });
    assert.equal(production.name, "sonna-history");
    assert.equal(production.home, "aws");
    assert.equal(production.removal, "retain");
    assert.equal(production.protect, true);
    assert.ok(isObject(production.providers) && "aws" in production.providers);
    const dev = config.app({ stage: "dev" });
    assert.equal(dev.removal, "remove");
    assert.equal(dev.protect, false);
  });

  test("run() outputs the API URL, the table name and the bucket name", async () => {
    const outputs = await config.run();
    assert.deepEqual(Object.keys(outputs).sort(), ["api", "bucket", "table"]);
    assert.equal(outputs.api, api.api.url);
    assert.equal(outputs.table, (one("sst.aws.Dynamo").instance as Dynamo).name);
    assert.equal(outputs.bucket, (one("sst.aws.Bucket").instance as Bucket).name);
  });
});

describe("the stubs themselves", () => {
  test("reject arg names the components do not have", () => {
    assert.throws(() => new Bucket("Typo", { lifecycles: [] }), /unknown arg "lifecycles"/);
    assert.throws(() => new Bucket("Typo2", { cors: { allowMethod: ["GET"] } }), /unknown arg "allowMethod"/);
    assert.throws(() => new Dynamo("Typo3", { fields: { pk: "string" }, primaryIndex: { hashKey: "pk" }, ttlAttribute: "x" }), /unknown arg "ttlAttribute"/);
    assert.throws(() => new SstFunction("Typo4", { handler: "a.handler", runtime: "nodejs22" }), /not one of/);
    assert.throws(() => new Dynamo("Typo5", { fields: { pk: "string", extra: "string" }, primaryIndex: { hashKey: "pk" } }), /not a key/);
  });
});
