/**
 * Evaluates sst.config.ts and infra/*.ts without the SST CLI (which needs the internet): recording
 * stubs stand in for the `sst`, `aws`, `$app`, `$output`, `$interpolate` and `$config` globals, and
 * the recorded component args are checked against the schema the local stack uses.
 *
 * The stubs reject arg names the real components do not have. The allow-lists are copied from the
 * arg interfaces in sst v4.17.0 (platform/src/components/aws/{dynamo,bucket,bucket-notification,
 * function,queue,queue-lambda-subscriber,cron,cron-v2,apigatewayv2}.ts,
 * platform/src/components/secret.ts) and, for raw resources reached through transforms, from
 * @pulumi/aws 7.20.0 (the version sst v4.17.0 pins): s3.BucketLifecycleConfiguration,
 * s3.BucketNotification, sqs.Queue, lambda.FunctionEventInvokeConfig and
 * lambda.EventSourceMapping; update them together with an SST upgrade.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import ts from "typescript";
import { createTableInput, keyAttributes, tableSchema } from "../packages/core/src/table/schema";
import { objectKeys, parseKey } from "../packages/core/src/storage/keys";
import { newId } from "../packages/core/src/ids";

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

function checkInteger(where: string, value: unknown, min: number, max: number): number {
  const resolved = unwrap(value);
  if (typeof resolved !== "number" || !Number.isInteger(resolved) || resolved < min || resolved > max) {
    throw new Error(`${where}: ${JSON.stringify(resolved)} is not a whole number from ${min} to ${max}`);
  }
  return resolved;
}

const HANDLER = /^[^\s]+\.[A-Za-z_$][\w$]*$/;
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
  // Bucket.notify(args: BucketNotificationsArgs).
  bucketNotify: ["notifications", "transform"],
  bucketNotifyTransform: ["notification"],
  bucketNotification: ["name", "function", "queue", "topic", "events", "filterPrefix", "filterSuffix"],
  bucketNotificationEvents: [
    "s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy",
    "s3:ObjectCreated:CompleteMultipartUpload", "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete",
    "s3:ObjectRemoved:DeleteMarkerCreated", "s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed",
    "s3:ObjectRestore:Delete", "s3:ReducedRedundancyLostObject", "s3:Replication:*",
    "s3:Replication:OperationFailedReplication", "s3:Replication:OperationMissedThreshold",
    "s3:Replication:OperationReplicatedAfterThreshold", "s3:Replication:OperationNotTracked",
    "s3:LifecycleExpiration:*", "s3:LifecycleExpiration:Delete", "s3:LifecycleExpiration:DeleteMarkerCreated",
    "s3:LifecycleTransition", "s3:IntelligentTiering", "s3:ObjectTagging:*", "s3:ObjectTagging:Put",
    "s3:ObjectTagging:Delete", "s3:ObjectAcl:Put",
  ],
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
  functionTransform: ["function", "role", "logGroup", "eventInvokeConfig"],
  functionPermission: ["effect", "actions", "resources", "conditions"],
  queue: ["fifo", "delay", "visibilityTimeout", "dlq", "transform"],
  queueTransform: ["queue"],
  queueDlq: ["queue", "retry"],
  // Queue.subscribe(subscriber, args: QueueSubscriberArgs).
  queueSubscribe: ["filters", "batch", "transform"],
  queueSubscribeBatch: ["size", "window", "partialResponses"],
  queueSubscribeTransform: ["eventSourceMapping", "function"],
  // CronArgs (deprecated in v4 in favour of CronV2) and CronV2Args; `job` is the deprecated name of `function`.
  cron: ["job", "function", "task", "event", "schedule", "enabled", "transform"],
  cronTransform: ["rule", "target"],
  cronV2: ["job", "function", "task", "event", "schedule", "timezone", "enabled", "retries", "dlq", "transform"],
  cronV2Transform: ["schedule", "role"],
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
  // @pulumi/aws 7.20.0 s3.BucketNotificationArgs, sqs.QueueArgs and lambda.FunctionEventInvokeConfigArgs.
  s3BucketNotification: ["bucket", "eventbridge", "lambdaFunctions", "queues", "region", "topics"],
  sqsQueue: [
    "contentBasedDeduplication", "deduplicationScope", "delaySeconds", "fifoQueue", "fifoThroughputLimit",
    "kmsDataKeyReusePeriodSeconds", "kmsMasterKeyId", "maxMessageSize", "messageRetentionSeconds", "name", "namePrefix",
    "policy", "receiveWaitTimeSeconds", "redriveAllowPolicy", "redrivePolicy", "region", "sqsManagedSseEnabled", "tags",
    "visibilityTimeoutSeconds",
  ],
  eventInvokeConfig: ["destinationConfig", "functionName", "maximumEventAgeInSeconds", "maximumRetryAttempts", "qualifier", "region"],
  eventInvokeDestinations: ["onFailure", "onSuccess"],
  eventInvokeDestination: ["destination"],
  // @pulumi/aws 7.20.0 lambda.EventSourceMappingArgs and its scalingConfig.
  eventSourceMapping: [
    "amazonManagedKafkaEventSourceConfig", "batchSize", "bisectBatchOnFunctionError", "destinationConfig",
    "documentDbEventSourceConfig", "enabled", "eventSourceArn", "filterCriteria", "functionName", "functionResponseTypes",
    "kmsKeyArn", "maximumBatchingWindowInSeconds", "maximumRecordAgeInSeconds", "maximumRetryAttempts", "metricsConfig",
    "parallelizationFactor", "provisionedPollerConfig", "queues", "region", "scalingConfig", "selfManagedEventSource",
    "selfManagedKafkaEventSourceConfig", "sourceAccessConfigurations", "startingPosition", "startingPositionTimestamp",
    "tags", "topics", "tumblingWindowInSeconds",
  ],
  eventSourceMappingScaling: ["maximumConcurrency"],
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
    this.componentName = name;
    this.name = outputFor("Bucket", name, "name");
    this.arn = outputFor("Bucket", name, "arn");
    this.domain = outputFor("Bucket", name, "domain");
    record("sst.aws.Bucket", name, args, this);
  }

  private readonly componentName: string;
  private subscribed = false;

  /**
   * Mirrors Bucket.notify and BucketNotification: one call per bucket, exactly one of function,
   * queue or topic per notification, and a function made from a handler or FunctionArgs is an
   * sst.aws.Function named `${bucket}Notification${notification.name}`.
   */
  notify(args: Args): BucketNotification {
    const bucketName = this.componentName;
    const where = `sst.aws.Bucket("${bucketName}").notify`;
    if (this.subscribed) throw new Error(`Cannot call "notify" on the "${bucketName}" bucket multiple times.`);
    this.subscribed = true;
    checkKeys(where, args, allow.bucketNotify);
    if (args.transform !== undefined) {
      const transform = checkKeys(`${where}.transform`, args.transform, allow.bucketNotifyTransform);
      if (isObject(unwrap(transform.notification))) {
        checkKeys(`${where}.transform.notification`, transform.notification, allow.s3BucketNotification);
      }
    }
    const list = unwrap(args.notifications);
    if (!Array.isArray(list) || list.length === 0) throw new Error(`${where}.notifications: expected a non-empty list`);
    const functions = new Map<string, SstFunction>();
    const names = new Set<string>();
    for (const [i, item] of list.entries()) {
      const at = `${where}.notifications[${i}]`;
      const n = checkKeys(at, item, allow.bucketNotification);
      const name = unwrap(n.name);
      if (typeof name !== "string" || !COMPONENT_NAME.test(name)) throw new Error(`${at}.name: expected a PascalCase name, got ${JSON.stringify(name)}`);
      if (names.has(name)) throw new Error(`${at}.name: "${name}" is used twice`);
      names.add(name);
      const targets = (["function", "queue", "topic"] as const).filter((key) => unwrap(n[key]));
      if (targets.length !== 1) {
        throw new Error(`${at}: exactly one of function, queue or topic is required, got ${targets.join(", ") || "none"}`);
      }
      const events = unwrap(n.events) ?? SST_DEFAULT_NOTIFICATION_EVENTS;
      if (!Array.isArray(events) || events.length === 0) throw new Error(`${at}.events: expected a non-empty list`);
      for (const event of events) checkOneOf(`${at}.events`, event, allow.bucketNotificationEvents);
      for (const key of ["filterPrefix", "filterSuffix"]) {
        if (n[key] !== undefined && typeof unwrap(n[key]) !== "string") throw new Error(`${at}.${key}: expected a string`);
      }
      const definition = unwrap(n.function);
      if (definition === undefined) continue;
      const description = `Notified by ${bucketName} on ${events.length < 5 ? events.join(", ") : `${events.slice(0, 3).join(", ")}, and ${events.length - 3} more events`}`;
      const functionName = `${bucketName}Notification${name}`;
      if (definition instanceof SstFunction) functions.set(name, definition);
      else if (typeof definition === "string" && definition.startsWith("arn:")) continue;
      else if (typeof definition === "string") functions.set(name, new SstFunction(functionName, { handler: definition, description }));
      else if (isObject(definition) && definition.handler !== undefined) functions.set(name, new SstFunction(functionName, { description, ...definition }));
      else throw new Error(`${at}.function: expected a handler, a function ARN or FunctionArgs, got ${JSON.stringify(definition)}`);
    }
    const notification = { bucket: this, functions };
    record("sst.aws.BucketNotification", `${bucketName}Notifications`, args, notification);
    return notification;
  }
}

interface BucketNotification {
  bucket: Bucket;
  /** The functions the notifications created or reference, by notification name. */
  functions: Map<string, SstFunction>;
}

/** BucketNotification.normalizeNotifications: the events a notification without `events` gets. */
const SST_DEFAULT_NOTIFICATION_EVENTS = [
  "s3:ObjectCreated:*", "s3:ObjectRemoved:*", "s3:ObjectRestore:*", "s3:ReducedRedundancyLostObject", "s3:Replication:*",
  "s3:LifecycleExpiration:*", "s3:LifecycleTransition", "s3:IntelligentTiering", "s3:ObjectTagging:*", "s3:ObjectAcl:Put",
];

/** lambda.FunctionEventInvokeConfig args, as a transform object or as SST would create them. */
function checkEventInvokeConfig(where: string, value: unknown, complete = false): Args {
  const config = checkKeys(where, value, allow.eventInvokeConfig);
  if (complete && unwrap(config.functionName) === undefined) throw new Error(`${where}.functionName: required`);
  if (config.maximumRetryAttempts !== undefined) checkInteger(`${where}.maximumRetryAttempts`, config.maximumRetryAttempts, 0, 2);
  if (config.maximumEventAgeInSeconds !== undefined) {
    checkInteger(`${where}.maximumEventAgeInSeconds`, config.maximumEventAgeInSeconds, 60, 21600);
  }
  if (config.destinationConfig !== undefined) {
    const destinations = checkKeys(`${where}.destinationConfig`, config.destinationConfig, allow.eventInvokeDestinations);
    for (const [kind, destination] of Object.entries(destinations)) {
      const d = checkKeys(`${where}.destinationConfig.${kind}`, destination, allow.eventInvokeDestination);
      if (unwrap(d.destination) === undefined) throw new Error(`${where}.destinationConfig.${kind}.destination: required`);
    }
  }
  return config;
}

class SstFunction {
  readonly name: FakeOutput;
  readonly arn: FakeOutput;
  readonly url: FakeOutput;
  constructor(name: string, args: Args) {
    const where = `sst.aws.Function("${name}")`;
    checkKeys(where, args, allow.function);
    if (typeof args.handler !== "string" || !HANDLER.test(args.handler)) {
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
    // Lambda's async retry attempts (FunctionEventInvokeConfig.maximumRetryAttempts).
    if (args.retries !== undefined) checkInteger(`${where}.retries`, args.retries, 0, 2);
    for (const [i, entry] of ((unwrap(args.permissions) as unknown[] | undefined) ?? []).entries()) {
      const permission = checkKeys(`${where}.permissions[${i}]`, entry, allow.functionPermission);
      checkOneOf(`${where}.permissions[${i}].effect`, permission.effect, ["allow", "deny"]);
      const actions = unwrap(permission.actions);
      if (!Array.isArray(actions) || actions.length === 0 || !actions.every((a) => typeof a === "string" && /^(\*|[a-z0-9-]+:[A-Za-z0-9*]+)$/.test(a))) {
        throw new Error(`${where}.permissions[${i}].actions: expected IAM actions like "sqs:SendMessage"`);
      }
      const resources = unwrap(permission.resources);
      if (!Array.isArray(resources) || resources.length === 0) throw new Error(`${where}.permissions[${i}].resources: expected a non-empty list`);
    }
    if (args.transform !== undefined) {
      const transform = checkKeys(`${where}.transform`, args.transform, allow.functionTransform);
      if (transform.eventInvokeConfig !== undefined) {
        // Function.createEventInvokeConfig returns early without `retries`: the transform would be ignored.
        if (args.retries === undefined) throw new Error(`${where}.transform.eventInvokeConfig: has no effect unless retries is set`);
        if (isObject(unwrap(transform.eventInvokeConfig))) {
          checkEventInvokeConfig(`${where}.transform.eventInvokeConfig`, transform.eventInvokeConfig);
        }
      }
    }
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

class Queue {
  readonly arn: FakeOutput;
  readonly url: FakeOutput;
  private readonly componentName: string;
  private subscribed = false;
  constructor(name: string, args: Args = {}) {
    const where = `sst.aws.Queue("${name}")`;
    checkKeys(where, args, allow.queue);
    if (args.delay !== undefined) toSeconds(`${where}.delay`, args.delay);
    if (args.visibilityTimeout !== undefined) {
      const seconds = toSeconds(`${where}.visibilityTimeout`, args.visibilityTimeout);
      if (seconds > 12 * 3600) throw new Error(`${where}.visibilityTimeout: SQS allows at most 12 hours`);
    }
    const dlq = unwrap(args.dlq);
    if (dlq !== undefined && typeof dlq !== "string") {
      const d = checkKeys(`${where}.dlq`, dlq, allow.queueDlq);
      if (unwrap(d.queue) === undefined) throw new Error(`${where}.dlq.queue: required`);
      checkInteger(`${where}.dlq.retry`, d.retry, 1, 1000);
    }
    if (args.transform !== undefined) {
      const transform = checkKeys(`${where}.transform`, args.transform, allow.queueTransform);
      if (isObject(unwrap(transform.queue))) checkKeys(`${where}.transform.queue`, transform.queue, allow.sqsQueue);
    }
    this.componentName = name;
    this.arn = outputFor("Queue", name, "arn");
    this.url = outputFor("Queue", name, "url");
    record("sst.aws.Queue", name, args, this);
  }

  /**
   * Mirrors Queue.subscribe and QueueLambdaSubscriber: one subscriber per queue, and a function made
   * from a handler or FunctionArgs is an sst.aws.Function named `${queue}Subscriber<hash>Function`
   * with SQS consume permissions added to its own.
   */
  subscribe(subscriber: unknown, args: Args = {}): QueueSubscriber {
    const where = `sst.aws.Queue("${this.componentName}").subscribe`;
    if (this.subscribed) {
      throw new Error(`Cannot subscribe to the "${this.componentName}" queue multiple times. An SQS Queue can only have one subscriber.`);
    }
    this.subscribed = true;
    checkKeys(where, args, allow.queueSubscribe);
    const batch = unwrap(args.batch);
    if (batch !== undefined) {
      const b = checkKeys(`${where}.batch`, batch, allow.queueSubscribeBatch);
      const window = b.window === undefined ? 0 : toSeconds(`${where}.batch.window`, b.window);
      if (window > 300) throw new Error(`${where}.batch.window: Lambda allows at most 5 minutes`);
      if (b.size !== undefined) checkInteger(`${where}.batch.size`, b.size, 1, window > 0 ? 10000 : 10);
      const partial = unwrap(b.partialResponses);
      if (partial !== undefined && typeof partial !== "boolean") throw new Error(`${where}.batch.partialResponses: expected a boolean`);
    }
    if (args.transform !== undefined) {
      const transform = checkKeys(`${where}.transform`, args.transform, allow.queueSubscribeTransform);
      const mapping = unwrap(transform.eventSourceMapping);
      if (isObject(mapping)) {
        const m = checkKeys(`${where}.transform.eventSourceMapping`, mapping, allow.eventSourceMapping);
        if (m.scalingConfig !== undefined) {
          const scaling = checkKeys(`${where}.transform.eventSourceMapping.scalingConfig`, m.scalingConfig, allow.eventSourceMappingScaling);
          // Lambda: MaximumConcurrency from 2 to 1000.
          if (scaling.maximumConcurrency !== undefined) checkInteger(`${where}.transform.eventSourceMapping.scalingConfig.maximumConcurrency`, scaling.maximumConcurrency, 2, 1000);
        }
      }
    }
    const name = `${this.componentName}SubscriberStub`;
    const definition = unwrap(subscriber);
    const consume = { actions: ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage"], resources: [this.arn] };
    const defaults = { description: `Subscribed to ${name}`, permissions: [consume] };
    let fn: SstFunction | undefined;
    if (typeof definition === "string" && definition.startsWith("arn:")) fn = undefined;
    else if (typeof definition === "string") fn = new SstFunction(`${name}Function`, { handler: definition, ...defaults });
    else if (isObject(definition) && definition.handler !== undefined) {
      fn = new SstFunction(`${name}Function`, {
        ...defaults,
        ...definition,
        permissions: [...defaults.permissions, ...((unwrap(definition.permissions) as unknown[] | undefined) ?? [])],
      });
    } else throw new Error(`${where}: expected a handler, a function ARN or FunctionArgs, got ${JSON.stringify(definition)}`);
    const instance: QueueSubscriber = { queue: this, function: fn };
    record("sst.aws.QueueLambdaSubscriber", name, { queue: { arn: this.arn }, subscriber, ...args }, instance);
    return instance;
  }
}

interface QueueSubscriber {
  queue: Queue;
  /** The function the subscription created (undefined for an ARN). */
  function: SstFunction | undefined;
}

/** EventBridge rate() (a singular unit for 1, plural otherwise) or cron() with six fields; CronV2 also takes at(). */
function checkSchedule(where: string, value: unknown, allowAt: boolean) {
  const schedule = unwrap(value);
  if (typeof schedule !== "string") throw new Error(`${where}: required`);
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule);
  if (rate) {
    const plural = rate[2]!.endsWith("s");
    if (Number(rate[1]) < 1 || (Number(rate[1]) === 1) === plural) throw new Error(`${where}: ${schedule} (use "rate(1 day)" or "rate(2 days)")`);
    return;
  }
  if (/^cron\(\S+( \S+){5}\)$/.test(schedule) || (allowAt && /^at\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\)$/.test(schedule))) return;
  throw new Error(`${where}: ${JSON.stringify(schedule)} is not a rate(), cron()${allowAt ? " or at()" : ""} expression`);
}

/** functionBuilder(`${name}Handler`, definition): a handler or FunctionArgs becomes a Function; an ARN or Function is used as is. */
function cronFunction(where: string, name: string, args: Args): SstFunction | undefined {
  if (args.job !== undefined && args.function !== undefined) {
    throw new Error(`${where}: You cannot provide both "job" and "function"; "job" is deprecated, use "function".`);
  }
  const definition = unwrap(args.function ?? args.job);
  if (definition !== undefined && args.task !== undefined) throw new Error(`${where}: You cannot provide both a function and a task.`);
  if (definition === undefined) return undefined;
  if (definition instanceof SstFunction) return definition;
  if (typeof definition === "string" && definition.startsWith("arn:")) return undefined;
  if (typeof definition === "string") return new SstFunction(`${name}Handler`, { handler: definition });
  if (isObject(definition) && definition.handler !== undefined) return new SstFunction(`${name}Handler`, definition);
  throw new Error(`${where}.function: expected a handler, a function ARN or FunctionArgs, got ${JSON.stringify(definition)}`);
}

class Cron {
  readonly function: SstFunction | undefined;
  constructor(name: string, args: Args) {
    const where = `sst.aws.Cron("${name}")`;
    checkKeys(where, args, allow.cron);
    checkSchedule(`${where}.schedule`, args.schedule, false);
    if (args.transform !== undefined) checkKeys(`${where}.transform`, args.transform, allow.cronTransform);
    this.function = cronFunction(where, name, args);
    record("sst.aws.Cron", name, args, this);
  }
}

class CronV2 {
  readonly function: SstFunction | undefined;
  constructor(name: string, args: Args) {
    const where = `sst.aws.CronV2("${name}")`;
    checkKeys(where, args, allow.cronV2);
    checkSchedule(`${where}.schedule`, args.schedule, true);
    // EventBridge Scheduler's RetryPolicy.MaximumRetryAttempts.
    if (args.retries !== undefined) checkInteger(`${where}.retries`, args.retries, 0, 185);
    if (args.transform !== undefined) checkKeys(`${where}.transform`, args.transform, allow.cronV2Transform);
    this.function = cronFunction(where, name, args);
    if (this.function === undefined && args.task === undefined && unwrap(args.function ?? args.job) === undefined) {
      throw new Error(`${where}: You must provide either a function or a task.`);
    }
    record("sst.aws.CronV2", name, args, this);
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
      if (!target.startsWith("arn:") && !HANDLER.test(target)) {
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
  sst: { aws: { Dynamo, Bucket, Function: SstFunction, ApiGatewayV2, Queue, Cron, CronV2 }, Secret, Linkable },
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

type ResourceTransform = (args: Args, opts: Args, name: string) => void;

/** Applies a component's `transform.<key>` to the args SST would pass, as component.ts's transform() does. */
function applyTransform(transform: unknown, name: string, args: Args): Args {
  const resolved = unwrap(transform);
  if (typeof resolved === "function") {
    (resolved as ResourceTransform)(args, {}, name);
    return args;
  }
  return { ...args, ...((resolved as Args | undefined) ?? {}) };
}

/** Function.createEventInvokeConfig → lambda.FunctionEventInvokeConfig args; undefined when SST creates none. */
function sstEventInvokeConfig(name: string, args: Args): Args | undefined {
  if (args.retries === undefined) return undefined;
  const resourceArgs = applyTransform((unwrap(args.transform) as Args | undefined)?.eventInvokeConfig, `${name}EventInvokeConfig`, {
    functionName: outputFor("Function", name, "name"),
    maximumRetryAttempts: unwrap(args.retries),
  });
  return checkEventInvokeConfig(`${name}EventInvokeConfig`, resourceArgs, true);
}

/** Queue.createQueue → sqs.Queue args, after `transform.queue`. */
function sstQueueArgs(name: string, args: Args): Args {
  const fifo = unwrap(args.fifo);
  const dlq = unwrap(args.dlq);
  const normalizedDlq = dlq === undefined ? undefined : typeof dlq === "string" ? { queue: dlq, retry: 3 } : (dlq as Args);
  const resourceArgs = applyTransform((unwrap(args.transform) as Args | undefined)?.queue, `${name}Queue`, {
    fifoQueue: Boolean(fifo),
    contentBasedDeduplication: isObject(fifo) ? Boolean(unwrap(fifo.contentBasedDeduplication)) : false,
    visibilityTimeoutSeconds: toSeconds("visibilityTimeout", args.visibilityTimeout ?? "30 seconds"),
    delaySeconds: toSeconds("delay", args.delay ?? "0 seconds"),
    redrivePolicy: normalizedDlq && {
      deadLetterTargetArn: unwrap(normalizedDlq.queue),
      maxReceiveCount: unwrap(normalizedDlq.retry),
    },
  });
  return checkKeys(`${name}Queue`, resourceArgs, allow.sqsQueue);
}

/** QueueLambdaSubscriber.createEventSourceMapping → lambda.EventSourceMapping args, after `transform.eventSourceMapping`. */
function sstEventSourceMappingArgs(name: string, args: Args): Args {
  const batch = (unwrap(args.batch) as Args | undefined) ?? {};
  const resourceArgs = applyTransform((unwrap(args.transform) as Args | undefined)?.eventSourceMapping, `${name}EventSourceMapping`, {
    functionResponseTypes: unwrap(batch.partialResponses) ? ["ReportBatchItemFailures"] : [],
    batchSize: unwrap(batch.size) ?? 10,
    maximumBatchingWindowInSeconds: batch.window ? toSeconds("window", batch.window) : 0,
    eventSourceArn: unwrap((unwrap(args.queue) as Args).arn),
  });
  return checkKeys(`${name}EventSourceMapping`, resourceArgs, allow.eventSourceMapping);
}

// ---------------------------------------------------------------------------------------------

const importInfra = async (file: string, query = "") => import(new URL(`../infra/${file}${query}`, import.meta.url).href);

const one = (type: string, stage = "test"): Construction => {
  const found = constructions.filter((c) => c.type === type && c.stage === stage);
  assert.equal(found.length, 1, `expected exactly one ${type} in stage ${stage}, got ${found.length}`);
  return found[0]!;
};

const byInstance = (instance: unknown): Construction => {
  const found = constructions.find((c) => c.instance === instance);
  assert.ok(found, "no construction for this instance");
  return found;
};

/** The names a handler's file exports, parsed rather than imported (importing would build the whole app and its AWS clients). */
function handlerExports(handler: string): { file: string; exported: string; names: Set<string> } {
  const dot = handler.lastIndexOf(".");
  const [file, exported] = [handler.slice(0, dot), handler.slice(dot + 1)];
  const source = [".ts", ".js", ".mjs"].map((ext) => at(file + ext)).find((candidate) => existsSync(candidate));
  assert.ok(source, `no file for handler ${handler}`);
  const ast = ts.createSourceFile(source, readFileSync(source, "utf8"), ts.ScriptTarget.ES2022, true);
  const names = new Set<string>();
  for (const statement of ast.statements) {
    const isExported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (ts.isVariableStatement(statement) && isExported) {
      for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) names.add(d.name.text);
    } else if (ts.isFunctionDeclaration(statement) && isExported && statement.name) {
      names.add(statement.name.text);
    } else if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const e of statement.exportClause.elements) names.add(e.name.text);
    }
  }
  return { file: path.relative(root, source), exported, names };
}

let config: { app: (input: { stage: string }) => Args; run: () => Promise<Args> };
let api: { api: ApiGatewayV2; apiFunction: SstFunction };
let jobs: {
  jobsQueue: Queue;
  jobsDeadLetters: Queue;
  jobsSubscriber: QueueSubscriber;
  jobsWorkerFunction: Args;
  sweeps: CronV2;
  WORKER_TIMEOUT: string;
};
let uploads: {
  uploadEventsFunction: Args;
  uploadEventsFailed: Queue;
  AUDIO_SUFFIX: string;
};
let imports: { importEventsFunction: Args; ARCHIVE_SUFFIX: string; IMPORT_EVENTS_TIMEOUT: string };
let notifications: { bucketNotifications: Args[]; bucketNotification: BucketNotification };

before(async () => {
  config = (await import(new URL("../sst.config.ts", import.meta.url).href)).default;
  // Every file on its own, as sst.config.ts's run() would, so no check depends on who imports whom.
  for (const file of readdirSync(at("infra")).filter((f) => f.endsWith(".ts"))) await importInfra(file);
  api = await importInfra("api.ts");
  uploads = await importInfra("uploads.ts");
  imports = await importInfra("imports.ts");
  notifications = await importInfra("notifications.ts");
  jobs = await importInfra("jobs.ts");
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

  test("lifecycle: exports and imports expire after 1 day, uploads after a few, multipart uploads abort after 1 day", async () => {
    const { name, args } = one("sst.aws.Bucket");
    const rules = sstLifecycleRules(name, args);
    const expiring = (prefix: string, days: number) =>
      rules.filter((r) => (r.filter as Args | undefined)?.prefix === prefix && (r.expiration as Args | undefined)?.days === days);
    assert.equal(expiring("exports/", 1).length, 1, "no 1-day expiration for exports/");
    assert.equal(expiring("imports/", 1).length, 1, "no 1-day expiration for imports/");
    const { UPLOAD_EXPIRY_DAYS, prefixes } = await importInfra("bucket.ts");
    assert.equal(expiring(prefixes.uploads, UPLOAD_EXPIRY_DAYS).length, 1, "no expiration for uploads/");
    // Reconcile completes a pending generation from its upload a day after creation, in a daily
    // sweep: the upload must still be there two days on.
    assert.ok(UPLOAD_EXPIRY_DAYS >= 2, `uploads expire after ${UPLOAD_EXPIRY_DAYS} days`);
    const upload = objectKeys.generationUpload("tenant", newId());
    assert.ok(upload.startsWith(prefixes.uploads), `${upload} is outside ${prefixes.uploads}`);
    assert.ok(objectKeys.versionUpload("tenant", newId(), newId()).startsWith(prefixes.uploads));

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
    const audioKey = objectKeys.audio("tenant", newId(), newId());
    assert.ok(audioKey.startsWith(prefixes.tenants), `${audioKey} is outside ${prefixes.tenants}`);
    for (const other of [prefixes.exports, prefixes.imports, prefixes.uploads]) assert.ok(!audioKey.startsWith(other));
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
  const apiFunction = () => byInstance(api.apiFunction);

  test("the function runs Node 22 on arm64 within API Gateway's 30 s limit", () => {
    const { args } = apiFunction();
    assert.equal(args.runtime, "nodejs22.x");
    assert.equal(args.architecture, "arm64");
    assert.ok(toSeconds("timeout", args.timeout) < 30);
  });

  test("the function links the table and the bucket", () => {
    const { args } = apiFunction();
    const link = unwrap(args.link) as unknown[];
    assert.ok(link.includes(one("sst.aws.Dynamo").instance), "table not linked");
    assert.ok(link.includes(one("sst.aws.Bucket").instance), "bucket not linked");
  });

  test("the handler path resolves to a file that exports `handler`", () => {
    const { file, exported, names } = handlerExports(String(apiFunction().args.handler));
    assert.equal(exported, "handler");
    assert.ok(names.has(exported), `${file} does not export ${exported}`);
  });

  test("the auth settings reach the function as the variables the verifier reads, from Secrets", () => {
    const env = unwrap(apiFunction().args.environment) as Args;
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

describe("bucket notifications", () => {
  const notification = () => one("sst.aws.BucketNotification");
  const all = () => (unwrap(notification().args.notifications) as unknown[]).map((n) => unwrap(n) as Args);
  /** The notification whose function is `definition`, and the sst.aws.Function it created. */
  const subscriber = (definition: Args) => {
    const found = all().filter((n) => unwrap(n.function) === definition);
    assert.equal(found.length, 1, "expected one notification for the function");
    const fn = (notification().instance as BucketNotification).functions.get(String(unwrap(found[0]!.name)));
    assert.ok(fn, "the notification created no function");
    return { notification: found[0]!, fn: byInstance(fn) };
  };
  const uploadEvents = () => subscriber(uploads.uploadEventsFunction);
  const importEvents = () => subscriber(imports.importEventsFunction);

  /** S3 filter rules: a key matches when it starts with the prefix and ends with the suffix (case-sensitive). */
  const matches = (n: Args, key: string) =>
    key.startsWith(String(unwrap(n.filterPrefix) ?? "")) && key.endsWith(String(unwrap(n.filterSuffix) ?? ""));
  const notifies = (key: string) => all().filter((n) => matches(n, key)).map((n) => String(unwrap(n.name)));

  const oddTenants = [
    "auth0|5f7c8ec7c33c6c004bbafe82",
    "user+tag@example.com",
    "../../exports/evil",
    "t/",
    "imports/x.wav",
    "uploads/x.wav",
    "tenant with spaces/and/slashes?&#%",
    "ünïcødé 🎵 テナント",
    "-",
  ];

  test("the bucket's notify() is called exactly once, with the exported list", () => {
    const { name, args, instance } = notification();
    assert.equal(name, `${one("sst.aws.Bucket").name}Notifications`);
    assert.equal((instance as BucketNotification).bucket, one("sst.aws.Bucket").instance);
    assert.equal(instance, notifications.bucketNotification);
    assert.equal(unwrap(args.notifications), notifications.bucketNotifications);
    // SST throws on a second call (it would replace the first one's configuration); so does the stub.
    assert.throws(() => (one("sst.aws.Bucket").instance as Bucket).notify({ notifications: [] }), /multiple times/);
  });

  test("both notifications run the upload-events handler, whose file exports `handler`", () => {
    for (const { notification: n, fn } of [uploadEvents(), importEvents()]) {
      assert.equal(unwrap(n.queue), undefined);
      assert.equal(unwrap(n.topic), undefined);
      const handler = String(unwrap(fn.args.handler));
      assert.equal(handler, "packages/functions/src/upload-events.handler");
      const { file, exported, names } = handlerExports(handler);
      assert.ok(names.has(exported), `${file} does not export ${exported}`);
    }
  });

  test("events are every kind of ObjectCreated, and nothing else", () => {
    for (const { notification: n } of [uploadEvents(), importEvents()]) {
      const events = unwrap(n.events) as string[] | undefined;
      assert.ok(events, "no events: SST would subscribe to every event type, deletions included");
      for (const kind of ["Put", "Post", "Copy", "CompleteMultipartUpload"]) {
        const event = `s3:ObjectCreated:${kind}`;
        assert.ok(events.includes(event) || events.includes("s3:ObjectCreated:*"), `${event} is not covered`);
      }
      for (const event of events) assert.ok(event.startsWith("s3:ObjectCreated:"), `${event} is not an ObjectCreated event`);
    }
  });

  test("uploads and archives notify their function, the handler acts on exactly those keys, and nothing else notifies", async () => {
    const { prefixes } = await importInfra("bucket.ts");
    const uploadName = String(unwrap(uploadEvents().notification.name));
    const importName = String(unwrap(importEvents().notification.name));
    assert.equal(unwrap(uploadEvents().notification.filterPrefix), prefixes.uploads);
    assert.equal(unwrap(uploadEvents().notification.filterSuffix), uploads.AUDIO_SUFFIX);
    assert.equal(unwrap(importEvents().notification.filterPrefix), prefixes.imports);
    assert.equal(unwrap(importEvents().notification.filterSuffix), imports.ARCHIVE_SUFFIX);
    for (const tenant of oddTenants) {
      const [generationId, versionId, importId] = [newId(), newId(), newId()];
      for (const key of [objectKeys.generationUpload(tenant, generationId), objectKeys.versionUpload(tenant, generationId, versionId)]) {
        assert.deepEqual(notifies(key), [uploadName], `${key} (tenant ${JSON.stringify(tenant)})`);
        const parsed = parseKey(key);
        assert.deepEqual([parsed?.area, parsed?.tenant], ["upload", tenant], `the handler would ignore ${key}`);
      }
      const archive = objectKeys.importUpload(tenant, importId);
      assert.deepEqual(notifies(archive), [importName], `${archive} (tenant ${JSON.stringify(tenant)})`);
      assert.deepEqual([parseKey(archive)?.area, parseKey(archive)?.tenant], ["import", tenant], `the handler would ignore ${archive}`);
      // What the service writes itself: inspected audio, an import's staged entries, exports.
      const own = [
        objectKeys.audio(tenant, generationId, versionId),
        objectKeys.importStaging(tenant, importId, 0),
        objectKeys.importStaging(tenant, importId, 12),
        objectKeys.exportArchive(tenant, `${generationId}-abcdefghijklmnop`),
      ];
      for (const key of own) assert.deepEqual(notifies(key), [], `${key} would notify`);
      for (const key of own.slice(1)) assert.equal(parseKey(key)?.area ?? "ignored", "ignored", `the handler would act on ${key}`);
    }
  });

  test("the functions run Node 22 on arm64, linked to the table and the bucket", () => {
    for (const { fn } of [uploadEvents(), importEvents()]) {
      const { args } = fn;
      assert.equal(unwrap(args.runtime), "nodejs22.x");
      assert.equal(unwrap(args.architecture), "arm64");
      const link = unwrap(args.link) as unknown[];
      assert.ok(link.includes(one("sst.aws.Dynamo").instance), "table not linked");
      assert.ok(link.includes(one("sst.aws.Bucket").instance), "bucket not linked");
      // No reserved concurrency: S3 fans out one invocation per object, and Lambda queues the rest.
      assert.equal(args.concurrency, undefined);
    }
  });

  test("uploads complete within a minute; imports get Lambda's 15 minutes and a full vCPU", () => {
    // An inspection, a server-side copy in parallel parts and one transaction: seconds, with room for the SDK's retries.
    const upload = uploadEvents().fn.args;
    const uploadTimeout = toSeconds("timeout", upload.timeout);
    assert.ok(uploadTimeout >= 10 && uploadTimeout <= 60, `timeout ${uploadTimeout} s`);
    assert.ok(toMegabytes("memory", upload.memory ?? "1024 MB") >= 256);
    // A 2 GiB archive streamed through the ZIP reader takes minutes.
    const archive = importEvents().fn.args;
    assert.equal(toSeconds("timeout", archive.timeout), 15 * 60);
    assert.equal(unwrap(archive.timeout), imports.IMPORT_EVENTS_TIMEOUT);
    assert.ok(toMegabytes("memory", archive.memory) >= 1769, "under 1,769 MB Lambda gives less than one vCPU");
  });

  test("failed events are retried, then kept on a queue the functions may send to", () => {
    for (const { fn } of [uploadEvents(), importEvents()]) {
      const { name, args } = fn;
      const config = sstEventInvokeConfig(name, args);
      assert.ok(config, `${name}: no FunctionEventInvokeConfig: SST creates it only when \`retries\` is set`);
      assert.equal(config.maximumRetryAttempts, 2);
      const onFailure = unwrap((unwrap(config.destinationConfig) as Args | undefined)?.onFailure) as Args | undefined;
      assert.ok(onFailure, `${name}: no on-failure destination`);
      const queue = byInstance(uploads.uploadEventsFailed);
      assert.equal(queue.type, "sst.aws.Queue");
      assert.equal(unwrap(onFailure.destination), unwrap(uploads.uploadEventsFailed.arn));
      // Lambda sends to a destination with the function's own role.
      const permissions = (unwrap(args.permissions) as Args[] | undefined) ?? [];
      assert.ok(
        permissions.some(
          (p) =>
            (unwrap(p.effect) ?? "allow") === "allow" &&
            (unwrap(p.actions) as string[]).some((a) => ["sqs:SendMessage", "sqs:*", "*"].includes(a)) &&
            (unwrap(p.resources) as unknown[]).some((r) => unwrap(r) === unwrap(uploads.uploadEventsFailed.arn)),
        ),
        `${name} may not send to its failure queue`,
      );
      // Kept for as long as SQS allows, so a failure noticed late can still be replayed.
      assert.equal(sstQueueArgs(queue.name, queue.args).messageRetentionSeconds, 14 * 24 * 60 * 60);
    }
  });

  test("no two notifications overlap (S3 refuses overlapping configurations)", () => {
    const eventsOf = (n: Args) => (unwrap(n.events) as string[] | undefined) ?? SST_DEFAULT_NOTIFICATION_EVENTS;
    const covers = (a: string, b: string) => a === b || (a.endsWith(":*") && b.startsWith(a.slice(0, -1)));
    const list = all();
    assert.ok(list.length >= 2);
    for (const [i, a] of list.entries()) {
      for (const b of list.slice(i + 1)) {
        const [pa, pb] = [String(unwrap(a.filterPrefix) ?? ""), String(unwrap(b.filterPrefix) ?? "")];
        const [sa, sb] = [String(unwrap(a.filterSuffix) ?? ""), String(unwrap(b.filterSuffix) ?? "")];
        const sharedEvent = eventsOf(a).some((x) => eventsOf(b).some((y) => covers(x, y) || covers(y, x)));
        const overlap = sharedEvent && (pa.startsWith(pb) || pb.startsWith(pa)) && (sa.endsWith(sb) || sb.endsWith(sa));
        assert.ok(!overlap, `notifications ${String(unwrap(a.name))} and ${String(unwrap(b.name))} overlap`);
      }
    }
  });
});

describe("jobs queue, worker and daily sweep", () => {
  const queue = () => byInstance(jobs.jobsQueue);
  const subscription = () => {
    const found = constructions.filter((c) => c.type === "sst.aws.QueueLambdaSubscriber" && c.stage === "test" && (c.instance as QueueSubscriber).queue === jobs.jobsQueue);
    assert.equal(found.length, 1, "expected one subscriber on the jobs queue");
    assert.equal(found[0]!.instance, jobs.jobsSubscriber);
    return found[0]!;
  };
  const worker = () => {
    const fn = jobs.jobsSubscriber.function;
    assert.ok(fn, "the subscriber created no function");
    return byInstance(fn);
  };
  const sweeper = () => {
    const cron = one("sst.aws.CronV2");
    assert.equal(cron.instance, jobs.sweeps);
    const fn = jobs.sweeps.function;
    assert.ok(fn, "the cron created no function");
    return { cron, fn: byInstance(fn) };
  };
  const linked = (args: Args) => (unwrap(args.link) as unknown[] | undefined) ?? [];

  test("the queue is the one the core sends to: linked as `Jobs`", () => {
    assert.equal(queue().name, "Jobs");
    const source = readFileSync(at("packages/core/src/jobs/queue.ts"), "utf8");
    assert.match(source, /Jobs: \{ url: string \}/, "queue.ts no longer reads Resource.Jobs.url");
    assert.match(source, /\.Jobs\.url/);
  });

  test("failed messages go to a dead-letter queue after about 5 receives, kept 14 days", () => {
    const sqs = sstQueueArgs(queue().name, queue().args);
    const redrive = sqs.redrivePolicy as Args | undefined;
    assert.ok(redrive, "the jobs queue has no dead-letter queue");
    assert.equal(redrive.deadLetterTargetArn, unwrap(jobs.jobsDeadLetters.arn));
    assert.ok(Number(redrive.maxReceiveCount) >= 3 && Number(redrive.maxReceiveCount) <= 10, `maxReceiveCount ${String(redrive.maxReceiveCount)}`);
    const dlq = byInstance(jobs.jobsDeadLetters);
    assert.equal(dlq.type, "sst.aws.Queue");
    assert.notEqual(dlq.instance, jobs.jobsQueue);
    assert.equal(sstQueueArgs(dlq.name, dlq.args).redrivePolicy, undefined, "the dead-letter queue must not redrive itself");
    // SQS keeps a message's original enqueue time when it moves it: the DLQ must outlive the source (4 days by default).
    const kept = Number(sstQueueArgs(dlq.name, dlq.args).messageRetentionSeconds ?? 4 * 86400);
    assert.equal(kept, 14 * 86400);
    assert.ok(kept > Number(sqs.messageRetentionSeconds ?? 4 * 86400));
  });

  test("the visibility timeout is at least the worker's timeout", () => {
    const visibility = Number(sstQueueArgs(queue().name, queue().args).visibilityTimeoutSeconds);
    const timeout = toSeconds("timeout", worker().args.timeout ?? "20 seconds");
    assert.equal(timeout, 15 * 60, "the worker should get Lambda's full 15 minutes");
    assert.ok(visibility >= timeout, `visibility ${visibility} s < worker timeout ${timeout} s: a running job would be handed to a second worker`);
    assert.ok(visibility <= 12 * 3600);
  });

  test("the worker runs jobs-worker.handler, one message at a time, with partial batch responses", () => {
    const { name, args } = subscription();
    const handler = String(unwrap(worker().args.handler));
    assert.equal(handler, "packages/functions/src/jobs-worker.handler");
    const { file, exported, names } = handlerExports(handler);
    assert.ok(names.has(exported), `${file} does not export ${exported}`);
    assert.match(readFileSync(at(file), "utf8"), /batchItemFailures/, "the worker does not report batch item failures");
    const mapping = sstEventSourceMappingArgs(name, args);
    assert.deepEqual(mapping.functionResponseTypes, ["ReportBatchItemFailures"]);
    assert.equal(mapping.batchSize, 1);
    assert.equal(mapping.eventSourceArn, unwrap(jobs.jobsQueue.arn));
    const concurrency = Number((unwrap(mapping.scalingConfig) as Args | undefined)?.maximumConcurrency);
    assert.ok(concurrency >= 2 && concurrency <= 100, "the worker's concurrency should be capped so it can't starve the API");
  });

  test("the worker runs Node 22 on arm64, linked to the table, the bucket and the queue", () => {
    const { args } = worker();
    assert.equal(unwrap(args.runtime), "nodejs22.x");
    assert.equal(unwrap(args.architecture), "arm64");
    assert.ok(toMegabytes("memory", args.memory ?? "1024 MB") >= 512);
    for (const [what, instance] of [["table", one("sst.aws.Dynamo").instance], ["bucket", one("sst.aws.Bucket").instance], ["queue", jobs.jobsQueue]] as const) {
      assert.ok(linked(args).includes(instance), `${what} not linked to the worker`);
    }
  });

  test("the cron runs the sweeps handler once a day", () => {
    const { cron, fn } = sweeper();
    assert.equal(unwrap(cron.args.schedule), "rate(1 day)");
    assert.equal(unwrap(cron.args.enabled) ?? true, true);
    assert.equal(cron.args.job, undefined, "`job` is deprecated; use `function`");
    const handler = String(unwrap(fn.args.handler));
    assert.equal(handler, "packages/functions/src/sweeps.handler");
    const { file, exported, names } = handlerExports(handler);
    assert.ok(names.has(exported), `${file} does not export ${exported}`);
    assert.equal(unwrap(fn.args.runtime), "nodejs22.x");
    assert.equal(unwrap(fn.args.architecture), "arm64");
    assert.ok(linked(fn.args).includes(one("sst.aws.Dynamo").instance), "table not linked to the sweep");
  });

  test("the API, the worker and the cron are all linked to the queue", () => {
    assert.ok(linked(byInstance(api.apiFunction).args).includes(jobs.jobsQueue), "the API can't enqueue");
    assert.ok(linked(worker().args).includes(jobs.jobsQueue), "the worker can't enqueue");
    assert.ok(linked(sweeper().fn.args).includes(jobs.jobsQueue), "the sweep can't enqueue");
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
      // A notification's `name` is its id within the bucket's configuration, not a resource name.
      const args =
        c.type === "sst.aws.BucketNotification"
          ? {
              ...c.args,
              notifications: (unwrap(c.args.notifications) as unknown[]).map((n) => {
                const { name: _id, ...rest } = unwrap(n) as Args;
                return rest;
              }),
            }
          : c.args;
      literalNames(args, `${c.type}("${c.name}")`, found);
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
    const functions = constructions.filter((c) => c.type === "sst.aws.Function" && c.stage === "test");
    assert.ok(functions.length >= 2);
    for (const { name, args } of functions) {
      const env = (unwrap(args.environment) as Args | undefined) ?? {};
      const byHand = Object.keys(env).filter((k) => /TABLE|BUCKET|QUEUE|^SST_RESOURCE_/i.test(k));
      assert.deepEqual(byHand, [], `${name} passes linked names by hand`);
    }
  });
});

describe("sst.config.ts", () => {
  test("reaches every file in infra/, directly or through another infra file", () => {
    const importsOf = (file: string, pattern: RegExp) =>
      [...readFileSync(at(file), "utf8").matchAll(pattern)].map((m) => m[1]!);
    const reached = new Set(importsOf("sst.config.ts", /(?:import\(|from\s+)\s*["']\.\/infra\/([\w-]+)(?:\.ts)?["']/g));
    for (const file of reached) {
      for (const next of importsOf(`infra/${file}.ts`, /from\s+["']\.\/([\w-]+)(?:\.ts)?["']/g)) reached.add(next);
    }
    const files = readdirSync(at("infra")).filter((f) => f.endsWith(".ts")).map((f) => f.replace(/\.ts$/, ""));
    assert.ok(files.length > 0);
    for (const file of files) assert.ok(reached.has(file), `nothing sst.config.ts runs imports infra/${file}`);
  });

  test("every function is bundled the one way infra/bundle.ts says, which the cold-start benchmark and tests/bundle.test.ts build", async () => {
    const { nodejsBundle } = await importInfra("bundle.ts");
    const functions = constructions.filter((c) => c.type === "sst.aws.Function" && String(c.args.handler).startsWith("packages/functions/src/"));
    assert.ok(functions.length >= 4, `${functions.length} functions`);
    for (const fn of functions) assert.deepEqual(unwrap(fn.args.nodejs), nodejsBundle, `${fn.name}.nodejs`);
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
    assert.throws(() => new SstFunction("Typo6", { handler: "a.handler", retry: 2 }), /unknown arg "retry"/);
    assert.throws(() => new SstFunction("Typo7", { handler: "a.handler", retries: 3 }), /0 to 2/);
    assert.throws(() => new SstFunction("Typo8", { handler: "a.handler", permissions: [{ action: ["sqs:SendMessage"], resources: ["*"] }] }), /unknown arg "action"/);
    assert.throws(() => new SstFunction("Typo9", { handler: "a.handler", transform: { eventInvokeConfig: { maximumRetryAttempts: 1 } } }), /unless retries is set/);
    assert.throws(
      () => new SstFunction("Typo10", { handler: "a.handler", retries: 1, transform: { eventInvokeConfig: { destinationConfig: { onFailure: { destinationArn: "arn:x" } } } } }),
      /unknown arg "destinationArn"/,
    );
    assert.throws(() => new SstFunction("Typo11", { handler: "a.handler", transform: { eventInvokeConfigs: {} } }), /unknown arg "eventInvokeConfigs"/);
    assert.throws(() => new Queue("Typo12", { transform: { queue: { messageRetentionPeriod: 60 } } }), /unknown arg "messageRetentionPeriod"/);
    assert.throws(() => new Queue("Typo13", { dlq: { queue: "arn:aws:sqs:us-east-1:0:q", retries: 5 } }), /unknown arg "retries"/);
    assert.throws(() => new Queue("Typo14", { deadLetterQueue: "arn:aws:sqs:us-east-1:0:q" }), /unknown arg "deadLetterQueue"/);
    assert.throws(() => new Queue("Typo15", { visibilityTimeout: "13 hours" }), /12 hours/);
  });

  test("reject bad subscribe() args, and a second subscriber", () => {
    assert.throws(() => new Queue("Sub1").subscribe("a.handler", { batch: { size: 1, partialResponse: true } }), /unknown arg "partialResponse"/);
    assert.throws(() => new Queue("Sub2").subscribe("a.handler", { batchSize: 1 }), /unknown arg "batchSize"/);
    assert.throws(() => new Queue("Sub3").subscribe("a.handler", { batch: { size: 11 } }), /1 to 10/);
    assert.throws(() => new Queue("Sub4").subscribe({ handler: "a.handler", timout: "1 minute" }), /unknown arg "timout"/);
    assert.throws(
      () => new Queue("Sub5").subscribe("a.handler", { transform: { eventSourceMapping: { scalingConfig: { maxConcurrency: 5 } } } }),
      /unknown arg "maxConcurrency"/,
    );
    assert.throws(() => new Queue("Sub6").subscribe("a.handler", { transform: { eventSourceMaping: {} } }), /unknown arg "eventSourceMaping"/);
    const queue = new Queue("Sub7");
    const subscriber = queue.subscribe({ handler: "a.handler", link: [] }, { batch: { size: 1, partialResponses: true } });
    assert.equal(unwrap(byInstance(subscriber.function).args.handler), "a.handler");
    assert.throws(() => queue.subscribe("a.handler"), /multiple times/);
  });

  test("reject bad Cron and CronV2 args", () => {
    assert.throws(() => new CronV2("Cron1", { schedule: "rate(1 days)", function: "a.handler" }), /rate\(1 day\)/);
    assert.throws(() => new CronV2("Cron2", { schedule: "rate(2 day)", function: "a.handler" }), /rate\(2 days\)/);
    assert.throws(() => new CronV2("Cron3", { schedule: "every day", function: "a.handler" }), /not a rate/);
    assert.throws(() => new CronV2("Cron4", { schedule: "rate(1 day)", handler: "a.handler" }), /unknown arg "handler"/);
    assert.throws(() => new CronV2("Cron5", { schedule: "rate(1 day)", job: "a.handler", function: "a.handler" }), /both "job" and "function"/);
    assert.throws(() => new CronV2("Cron6", { schedule: "rate(1 day)" }), /either a function or a task/);
    assert.throws(() => new CronV2("Cron7", { schedule: "rate(1 day)", function: { handler: "a.handler", memmory: "1 GB" } }), /unknown arg "memmory"/);
    assert.throws(() => new Cron("Cron8", { schedule: "rate(1 day)", function: "a.handler", timezone: "UTC" }), /unknown arg "timezone"/);
    assert.throws(() => new CronV2("Cron9", { schedule: "rate(1 day)", function: "a.handler", transform: { rule: {} } }), /unknown arg "rule"/);
    const cron = new CronV2("Cron10", { schedule: "cron(15 10 * * ? *)", function: { handler: "a.handler" } });
    assert.equal(unwrap(byInstance(cron.function).args.handler), "a.handler");
    assert.equal(byInstance(cron.function).name, "Cron10Handler");
  });

  test("reject bad notify() args, and a second notify()", () => {
    const fresh = (name: string) => new Bucket(name);
    const notification = { name: "Upload", function: "a.handler" };
    assert.throws(() => fresh("Notify1").notify({ notification: [notification] }), /unknown arg "notification"/);
    assert.throws(() => fresh("Notify2").notify({ notifications: [{ ...notification, filterPrefx: "t/" }] }), /unknown arg "filterPrefx"/);
    assert.throws(() => fresh("Notify3").notify({ notifications: [{ ...notification, events: ["s3:ObjectCreated"] }] }), /not one of/);
    assert.throws(() => fresh("Notify4").notify({ notifications: [{ ...notification, function: { handler: "a.handler", timout: "30 seconds" } }] }), /unknown arg "timout"/);
    assert.throws(() => fresh("Notify5").notify({ notifications: [{ ...notification, queue: "arn:aws:sqs:us-east-1:0:q" }] }), /exactly one of/);
    assert.throws(() => fresh("Notify6").notify({ notifications: [{ name: "Upload" }] }), /exactly one of/);
    assert.throws(() => fresh("Notify7").notify({ notifications: [notification, notification] }), /used twice/);
    assert.throws(() => fresh("Notify8").notify({ notifications: [notification], transform: { notifications: {} } }), /unknown arg "notifications"/);
    assert.throws(() => fresh("Notify9").notify({ notifications: [notification], transform: { notification: { lambdaFunction: [] } } }), /unknown arg "lambdaFunction"/);
    assert.throws(() => fresh("Notify10").notify({ notifications: [{ ...notification, function: "not a handler" }] }), /handler/);
    const bucket = fresh("Notify11");
    const created = bucket.notify({ notifications: [notification, { name: "Existing", function: "arn:aws:lambda:us-east-1:0:function:f" }] });
    assert.deepEqual([...created.functions.keys()], ["Upload"]);
    assert.equal(unwrap(byInstance(created.functions.get("Upload")).args.handler), "a.handler");
    assert.throws(() => bucket.notify({ notifications: [notification] }), /multiple times/);
  });
});
