/**
 * Invariants of what sst.config.ts deploys, read from the resources SST's own components register
 * when the program runs under Pulumi's mocks (tests/support/sst-mocks.ts): the args AWS would get,
 * after SST's defaults and our transforms. Types are checked apart (tsconfig.infra.json).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { createTableInput } from "../packages/core/src/table/schema";
import { objectKeys, parseKey } from "../packages/core/src/storage/keys";
import { newId } from "../packages/core/src/ids";
import { MAX_JOB_ATTEMPTS } from "../packages/core/src/jobs/run";
import { arnOf, deploy, secrets, type Deployment, type Resource } from "./support/sst-mocks";
import { platformDir } from "./support/sst-platform";

const root = fileURLToPath(new URL("..", import.meta.url));
const at = (relative: string) => path.join(root, relative);

const [deployed, production] = await deploy("test", "production");

const all = (type: string, from: Deployment = deployed): Resource[] => from.resources.filter((r) => r.type === type);
const one = (type: string, from: Deployment = deployed): Resource => {
  const found = all(type, from);
  assert.equal(found.length, 1, `expected one ${type}, found ${found.length}`);
  return found[0]!;
};
const byArn = (arn: string): Resource => {
  const found = deployed.resources.find((r) => arnOf(r.name) === arn);
  assert.ok(found, `nothing has the ARN ${arn}`);
  return found;
};
/** The policy documents a role carries (the mocks keep getPolicyDocument's input statements). */
const statementsOf = (role: Resource): { effect: string; actions: string[]; resources: string[] }[] =>
  (role.inputs.inlinePolicies as { policy: string }[]).flatMap((p) => JSON.parse(p.policy).statements);

/** A deployed function: its Lambda, what SST was asked to build for it, and its role. */
interface Fn {
  lambda: Resource;
  handler: string;
  links: string[];
  bundle: Record<string, unknown>;
  role: Resource;
}
const functions: Fn[] = deployed.builds.map((build) => {
  const lambda = deployed.resources.find((r) => r.type === "aws:lambda/function:Function" && r.name === `${build.functionID}Function`);
  assert.ok(lambda, `no Lambda for ${build.functionID}`);
  const { architecture, ...bundle } = build.properties;
  assert.deepEqual(lambda.inputs.architectures, [architecture]);
  return { lambda, handler: build.handler, links: Object.keys(build.links).sort(), bundle, role: byArn(lambda.inputs.role) };
});
const running = (handler: string): Fn[] => functions.filter((f) => f.handler === `packages/functions/src/${handler}`);
const runningOne = (handler: string): Fn => {
  const found = running(handler);
  assert.equal(found.length, 1, `expected one function running ${handler}`);
  return found[0]!;
};
/** The queue subscription that runs `fn`. */
const mappingOf = (fn: Fn): Resource => {
  const found = all("aws:lambda/eventSourceMapping:EventSourceMapping").filter((m) => m.inputs.functionName === arnOf(fn.lambda.name));
  assert.equal(found.length, 1, `expected one queue subscription running ${fn.handler}`);
  return found[0]!;
};
/** The schedule that invokes `fn`. */
const scheduleOf = (fn: Fn): Resource => {
  const found = all("aws:scheduler/schedule:Schedule").filter((s) => s.inputs.target.arn === arnOf(fn.lambda.name));
  assert.equal(found.length, 1, `expected one schedule invoking ${fn.handler}`);
  return found[0]!;
};

/** The names a handler's file exports, parsed rather than imported (importing would build the app and its AWS clients). */
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

describe("table", () => {
  test("keys, GSIs, TTL and billing are the ones the local stack creates its table with", () => {
    const table = one("aws:dynamodb/table:Table").inputs;
    const local = createTableInput("any");
    assert.equal(table.billingMode, local.BillingMode);
    assert.deepEqual(
      table.attributes.map((a: { name: string; type: string }) => [a.name, a.type]),
      local.AttributeDefinitions.map((a) => [a.AttributeName, a.AttributeType]),
    );
    assert.deepEqual(
      [
        { AttributeName: table.hashKey, KeyType: "HASH" },
        { AttributeName: table.rangeKey, KeyType: "RANGE" },
      ],
      local.KeySchema,
    );
    assert.deepEqual(
      table.globalSecondaryIndexes.map((g: Record<string, string>) => ({
        IndexName: g.name,
        KeySchema: [
          { AttributeName: g.hashKey, KeyType: "HASH" },
          { AttributeName: g.rangeKey, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: g.projectionType },
      })),
      local.GlobalSecondaryIndexes,
    );
    assert.deepEqual(table.localSecondaryIndexes, []);
    assert.deepEqual(table.ttl, { attributeName: "expires_at_epoch", enabled: true });
  });

  test("point-in-time recovery is on; deletion protection in production only", () => {
    for (const [from, protectedTable] of [[deployed, false], [production, true]] as const) {
      const table = one("aws:dynamodb/table:Table", from).inputs;
      assert.deepEqual(table.pointInTimeRecovery, { enabled: true });
      assert.equal(table.deletionProtectionEnabled, protectedTable, from.stage);
    }
  });
});

describe("bucket", () => {
  const rules = () => one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as Record<string, any>[];
  const rulesFor = (key: string) => rules().filter((r) => key.startsWith(r.filter?.prefix ?? ""));

  test("is private and HTTPS-only", () => {
    const block = one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
    for (const setting of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) {
      assert.equal(block[setting], true, setting);
    }
    const { statements } = JSON.parse(one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
    assert.deepEqual(statements.map((s: Record<string, unknown>) => [s.effect, s.actions, s.conditions]), [
      ["Deny", ["s3:*"], [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }]],
    ]);
  });

  test("CORS lets browsers GET, PUT and HEAD through presigned URLs and read the ETag", () => {
    const [rule, ...others] = one("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration").inputs.corsRules;
    assert.deepEqual(others, []);
    assert.deepEqual([...rule.allowedMethods].sort(), ["GET", "HEAD", "PUT"]);
    assert.deepEqual(rule.exposeHeaders, ["ETag"]);
    assert.ok(rule.allowedOrigins.length > 0);
  });

  test("lifecycle: exports and import archives expire after a day, uploads after long enough for reconcile", () => {
    const expiry = (key: string) => rulesFor(key).flatMap((r) => (r.expiration ? [r.expiration.days] : []));
    const [tenant, id] = ["tenant", newId()];
    assert.deepEqual(expiry(objectKeys.exportArchive(tenant, id)), [1]);
    assert.deepEqual(expiry(objectKeys.importUpload(tenant, id)), [1]);
    assert.deepEqual(expiry(objectKeys.transcoded(tenant, objectKeys.audio(tenant, id, newId()), "mp3-128k", ".mp3")), [1], "transcodes expire like exports");
    // Reconcile completes a pending generation from its upload a day after creation, in a daily
    // sweep: the upload must still be there two days on.
    for (const upload of [objectKeys.generationUpload(tenant, id), objectKeys.versionUpload(tenant, id, newId())]) {
      const [days, ...more] = expiry(upload);
      assert.deepEqual(more, []);
      assert.ok(days >= 2 && days <= 7, `${upload} expires after ${days} days`);
    }
    assert.deepEqual(expiry(objectKeys.audio(tenant, id, newId())), [], "served audio never expires");
  });

  test("lifecycle: multipart uploads abort after a day anywhere; tenant audio moves to Glacier Instant Retrieval", () => {
    const abort = rules().filter((r) => r.abortIncompleteMultipartUpload);
    assert.deepEqual(abort.map((r) => [r.filter, r.abortIncompleteMultipartUpload]), [[{}, { daysAfterInitiation: 1 }]]);
    const audio = objectKeys.audio("tenant", newId(), newId());
    const transitions = rulesFor(audio).flatMap((r) => r.transitions ?? []);
    // Instant retrieval keeps presigned GETs working; GLACIER and DEEP_ARCHIVE need a restore first.
    assert.deepEqual(transitions, [{ days: 90, storageClass: "GLACIER_IR" }]);
  });

  test("lifecycle: search segments neither expire nor move to another storage class (compaction deletes them)", () => {
    const segment = objectKeys.searchSegment("tenant", newId());
    assert.ok(segment.startsWith("search/"));
    assert.deepEqual(rulesFor(segment).filter((r) => r.expiration || r.transitions), []);
  });

  test("lifecycle rules are well formed: unique ids, enabled, each with a filter and an action", () => {
    const ids = rules().map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const rule of rules()) {
      assert.equal(rule.status, "Enabled", rule.id);
      assert.ok(rule.filter, `${rule.id} has no filter`);
      assert.ok(rule.expiration || rule.transitions || rule.abortIncompleteMultipartUpload, `${rule.id} does nothing`);
    }
  });
});

describe("api", () => {
  const api = () => runningOne("api.handler");
  const routes = () => all("aws:apigatewayv2/route:Route").map((r) => r.inputs);
  /** What anyone may call: the health check, the document, the reference page and its assets, and CORS preflights. */
  const PUBLIC = ["GET /docs", "GET /docs/{proxy+}", "GET /health", "GET /openapi.json", "OPTIONS /{proxy+}"];

  test("API Gateway verifies tokens: a JWT authorizer with the stage's issuer and audience, on the Authorization header", () => {
    const authorizer = one("aws:apigatewayv2/authorizer:Authorizer").inputs;
    assert.equal(authorizer.authorizerType, "JWT");
    assert.deepEqual(authorizer.identitySources, ["$request.header.Authorization"]);
    assert.deepEqual(authorizer.jwtConfiguration, { issuer: secrets.JwtIssuer, audiences: [secrets.JwtAudience] });
  });

  test("every route but the public ones goes through the authorizer, and so does every path no route names", () => {
    const authorizerId = `${one("aws:apigatewayv2/authorizer:Authorizer").name}-id`;
    const open = routes().filter((r) => r.authorizationType === "NONE");
    assert.deepEqual(open.map((r) => r.routeKey).sort(), PUBLIC);
    assert.ok(open.every((r) => r.authorizerId === undefined));
    const guarded = routes().filter((r) => !PUBLIC.includes(r.routeKey));
    assert.ok(guarded.some((r) => r.routeKey === "$default"), "no $default route: unnamed paths would answer 404 without a token check");
    for (const route of guarded) {
      assert.equal(route.authorizationType, "JWT", route.routeKey);
      assert.equal(route.authorizerId, authorizerId, route.routeKey);
    }
  });

  test("every route reaches the function with payload format 2.0, and the browser may send Authorization", () => {
    for (const route of routes()) {
      const integration = all("aws:apigatewayv2/integration:Integration").find((i) => route.target === `integrations/${i.name}-id`);
      assert.deepEqual([integration?.inputs.integrationUri, integration?.inputs.payloadFormatVersion], [arnOf(api().lambda.name), "2.0"], route.routeKey);
    }
    const cors = one("aws:apigatewayv2/api:Api").inputs.corsConfiguration;
    assert.ok(cors.allowHeaders.includes("authorization"), "browsers need Authorization listed explicitly");
  });

  test("the function verifies no tokens itself: no key URL, issuer, audience or signing secret reach it", () => {
    const variables = Object.keys(api().lambda.inputs.environment.variables);
    assert.deepEqual(variables.filter((name) => !name.startsWith("SST_")), []);
  });

  test("the function runs within API Gateway's 30 s and links the table, the bucket, the jobs queue, the webhook queue and the transcode function", () => {
    assert.ok(api().lambda.inputs.timeout < 30);
    assert.deepEqual(api().links, ["Bucket", "Jobs", "Table", "Transcode", "Webhooks"]);
  });
});

describe("bucket notifications", () => {
  const configurations = () => one("aws:s3/bucketNotification:BucketNotification").inputs.lambdaFunctions as Record<string, any>[];
  const notified = (key: string) =>
    configurations()
      .filter((c) => key.startsWith(c.filterPrefix ?? "") && key.endsWith(c.filterSuffix ?? ""))
      .map((c) => byArn(c.lambdaFunctionArn).name);
  const notifiedFunction = (id: string): Fn => {
    const configuration = configurations().find((c) => c.id === id);
    assert.ok(configuration, `no notification ${id}`);
    const fn = functions.find((f) => arnOf(f.lambda.name) === configuration.lambdaFunctionArn);
    assert.ok(fn, `notification ${id} runs no function of ours`);
    return fn;
  };
  const uploadEvents = () => notifiedFunction("UploadEvents");
  const importEvents = () => notifiedFunction("ImportEvents");
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

  test("uploads/*.wav notify the upload function, imports/*.zip the import function, on every ObjectCreated only", () => {
    assert.deepEqual(
      configurations().map((c) => [c.id, c.filterPrefix, c.filterSuffix, c.events]),
      [
        ["UploadEvents", "uploads/", ".wav", ["s3:ObjectCreated:*"]],
        ["ImportEvents", "imports/", ".zip", ["s3:ObjectCreated:*"]],
      ],
    );
    assert.equal(uploadEvents().handler, "packages/functions/src/upload-events.handler");
    assert.equal(importEvents().handler, "packages/functions/src/upload-events.handler");
    assert.notEqual(uploadEvents(), importEvents());
  });

  test("every upload and archive key the core builds notifies its function and the handler acts on it; the service's own writes notify nothing", () => {
    const [uploadName, importName] = [uploadEvents().lambda.name, importEvents().lambda.name];
    for (const tenant of oddTenants) {
      const [generationId, versionId, importId] = [newId(), newId(), newId()];
      for (const key of [objectKeys.generationUpload(tenant, generationId), objectKeys.versionUpload(tenant, generationId, versionId)]) {
        assert.deepEqual(notified(key), [uploadName], `${key} (tenant ${JSON.stringify(tenant)})`);
        assert.deepEqual([parseKey(key)?.area, parseKey(key)?.tenant], ["upload", tenant], `the handler would ignore ${key}`);
      }
      const archive = objectKeys.importUpload(tenant, importId);
      assert.deepEqual(notified(archive), [importName], `${archive} (tenant ${JSON.stringify(tenant)})`);
      assert.deepEqual([parseKey(archive)?.area, parseKey(archive)?.tenant], ["import", tenant], `the handler would ignore ${archive}`);
      const own = [
        objectKeys.audio(tenant, generationId, versionId),
        objectKeys.importStaging(tenant, importId, 0),
        objectKeys.importStaging(tenant, importId, 12),
        objectKeys.exportArchive(tenant, `${generationId}-abcdefghijklmnop`),
      ];
      for (const key of own) assert.deepEqual(notified(key), [], `${key} would notify`);
      for (const key of own.slice(1)) assert.equal(parseKey(key)?.area ?? "ignored", "ignored", `the handler would act on ${key}`);
    }
  });

  test("no two configurations overlap (S3 refuses overlapping ones)", () => {
    for (const [i, a] of configurations().entries()) {
      for (const b of configurations().slice(i + 1)) {
        const prefixesMeet = a.filterPrefix.startsWith(b.filterPrefix) || b.filterPrefix.startsWith(a.filterPrefix);
        const suffixesMeet = a.filterSuffix.endsWith(b.filterSuffix) || b.filterSuffix.endsWith(a.filterSuffix);
        assert.ok(!(prefixesMeet && suffixesMeet), `${a.id} and ${b.id} overlap`);
      }
    }
  });

  test("uploads complete within a minute; imports get Lambda's 15 minutes and a full vCPU", () => {
    const upload = uploadEvents().lambda.inputs;
    assert.ok(upload.timeout >= 10 && upload.timeout <= 60, `timeout ${upload.timeout} s`);
    const archive = importEvents().lambda.inputs;
    assert.equal(archive.timeout, 15 * 60);
    assert.ok(archive.memorySize >= 1769, "under 1,769 MB Lambda gives less than one vCPU");
    for (const fn of [uploadEvents(), importEvents()]) {
      assert.deepEqual(fn.links, ["Bucket", "Table", "Webhooks"]);
      // No reserved concurrency: S3 fans out one invocation per object, and Lambda queues the rest.
      assert.equal(fn.lambda.inputs.reservedConcurrentExecutions, undefined);
    }
  });

  test("failed events are retried twice, then kept 14 days on a queue the functions may send to", () => {
    for (const fn of [uploadEvents(), importEvents()]) {
      const config = all("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").find((c) => c.inputs.functionName === fn.lambda.inputs.name);
      assert.ok(config, `${fn.lambda.name}: no FunctionEventInvokeConfig (SST creates it only when \`retries\` is set)`);
      assert.equal(config.inputs.maximumRetryAttempts, 2);
      const destination = config.inputs.destinationConfig.onFailure.destination;
      const queue = byArn(destination);
      assert.equal(queue.type, "aws:sqs/queue:Queue");
      assert.equal(queue.inputs.messageRetentionSeconds, 14 * 24 * 60 * 60);
      // Lambda sends to a destination with the function's own role.
      assert.ok(
        statementsOf(fn.role).some((s) => s.effect === "Allow" && s.actions.includes("sqs:SendMessage") && s.resources.includes(destination)),
        `${fn.lambda.name} may not send to its failure queue`,
      );
    }
  });
});

describe("jobs queue, worker and daily sweep", () => {
  const worker = () => runningOne("jobs-worker.handler");
  const sweeps = () => runningOne("sweeps.handler");
  const queue = () => byArn(mappingOf(worker()).inputs.eventSourceArn).inputs;

  test("the queue is linked as `Jobs`, the name packages/core sends to", () => {
    assert.equal(byArn(mappingOf(worker()).inputs.eventSourceArn).name, "JobsQueue");
    assert.match(readFileSync(at("packages/core/src/jobs/queue.ts"), "utf8"), /\.Jobs\.url/);
    for (const fn of [runningOne("api.handler"), worker(), sweeps()]) assert.ok(fn.links.includes("Jobs"), `${fn.handler} can't enqueue`);
  });

  test("a message goes to the dead-letter queue after the worker's last attempt, and is kept 14 days", () => {
    const redrive = JSON.parse(queue().redrivePolicy);
    assert.equal(redrive.maxReceiveCount, MAX_JOB_ATTEMPTS);
    const dlq = byArn(redrive.deadLetterTargetArn).inputs;
    assert.equal(dlq.redrivePolicy, undefined);
    // SQS keeps a message's first enqueue time when it moves it: the DLQ must outlive the source (4 days by default).
    assert.equal(dlq.messageRetentionSeconds, 14 * 24 * 60 * 60);
    assert.ok(dlq.messageRetentionSeconds > (queue().messageRetentionSeconds ?? 4 * 86400));
  });

  test("the visibility timeout is at least the worker's timeout, which is Lambda's 15 minutes", () => {
    const timeout = worker().lambda.inputs.timeout;
    assert.equal(timeout, 15 * 60);
    const visibility = queue().visibilityTimeoutSeconds;
    assert.ok(visibility >= timeout, `visibility ${visibility} s < worker timeout ${timeout} s: a running job would be handed to a second worker`);
    assert.ok(visibility <= 12 * 3600);
  });

  test("the worker takes one message at a time, reports partial batch failures, and its concurrency is capped", () => {
    const mapping = mappingOf(worker()).inputs;
    assert.equal(mapping.batchSize, 1);
    assert.deepEqual(mapping.functionResponseTypes, ["ReportBatchItemFailures"]);
    assert.match(readFileSync(at("packages/functions/src/jobs-worker.ts"), "utf8"), /batchItemFailures/);
    const concurrency = mapping.scalingConfig.maximumConcurrency;
    assert.ok(concurrency >= 2 && concurrency <= 100, "a capped worker can't starve the API");
    assert.deepEqual(worker().links, ["Bucket", "Jobs", "Table", "Transcode", "Webhooks"]);
  });

  test("the sweep runs once a day, with the table and the queues", () => {
    const schedule = scheduleOf(sweeps()).inputs;
    assert.equal(schedule.scheduleExpression, "rate(1 day)");
    assert.equal(schedule.state, "ENABLED");
    assert.deepEqual(sweeps().links, ["Jobs", "Table", "Webhooks"]);
  });
});

describe("webhook queue, worker and minute sweep", () => {
  const worker = () => runningOne("webhooks-worker.handler");
  const sweep = () => runningOne("webhooks-sweep.handler");
  const queue = () => byArn(mappingOf(worker()).inputs.eventSourceArn);

  test("the worker's queue is linked as `Webhooks`, the name packages/core sends to, and every function that writes changes links it", () => {
    assert.equal(queue().name, "WebhooksQueue");
    assert.match(readFileSync(at("packages/core/src/webhooks/queue.ts"), "utf8"), /\.Webhooks\.url/);
    // Every function writes changes (or, for the minute sweep, nudges), and a change with an event
    // nudges a dispatcher; all but the transcode function, which writes only transcoded audio.
    for (const fn of functions.filter((f) => f.handler !== "packages/functions/src/transcode.handler")) {
      assert.ok(fn.links.includes("Webhooks"), `${fn.handler} can't nudge a dispatcher`);
    }
    assert.deepEqual(worker().links, ["Table", "Webhooks"]);
  });

  test("a message goes to a dead-letter queue kept 14 days after a few receives", () => {
    const redrive = JSON.parse(queue().inputs.redrivePolicy);
    assert.ok(redrive.maxReceiveCount >= 3 && redrive.maxReceiveCount <= 10, `maxReceiveCount ${redrive.maxReceiveCount}`);
    const dlq = byArn(redrive.deadLetterTargetArn).inputs;
    assert.equal(dlq.redrivePolicy, undefined);
    assert.equal(dlq.messageRetentionSeconds, 14 * 24 * 60 * 60);
  });

  test("a try's 10 s fit the worker's timeout, and the visibility timeout covers the worker's", () => {
    const timeout = worker().lambda.inputs.timeout;
    assert.ok(timeout >= 30 && timeout <= 5 * 60, `timeout ${timeout} s`);
    assert.ok(queue().inputs.visibilityTimeoutSeconds >= timeout);
  });

  test("the worker takes batches in parallel with partial batch responses, and its concurrency is capped", () => {
    const mapping = mappingOf(worker()).inputs;
    assert.ok(mapping.batchSize >= 1 && mapping.batchSize <= 10);
    assert.deepEqual(mapping.functionResponseTypes, ["ReportBatchItemFailures"]);
    assert.match(readFileSync(at("packages/functions/src/webhooks-worker.ts"), "utf8"), /processInParallel: true/);
    const concurrency = mapping.scalingConfig.maximumConcurrency;
    assert.ok(concurrency >= 2 && concurrency <= 100, "a capped worker can't starve the API");
  });

  test("the sweep runs every minute, with the table and the queue", () => {
    const schedule = scheduleOf(sweep()).inputs;
    assert.equal(schedule.scheduleExpression, "rate(1 minute)");
    assert.equal(schedule.state, "ENABLED");
    assert.deepEqual(sweep().links, ["Table", "Webhooks"]);
  });

  test("deployed, webhooks only go to public addresses: no function gets the local stack's loopback switch, or any other SONNA_ setting", () => {
    const switchName = "SONNA_WEBHOOKS_ALLOW_LOOPBACK";
    // The name the core reads and the local stack sets: the one that must be absent here.
    assert.match(readFileSync(at("packages/core/src/webhooks/config.ts"), "utf8"), new RegExp(`process\\.env\\.${switchName} === "1"`));
    assert.match(readFileSync(at("packages/local/src/stack.ts"), "utf8"), new RegExp(`${switchName}: "1"`));
    for (const from of [deployed, production]) {
      for (const lambda of all("aws:lambda/function:Function", from)) {
        const names = Object.keys(lambda.inputs.environment?.variables ?? {});
        assert.deepEqual(names.filter((name) => name.startsWith("SONNA_")), [], `${from.stage}: ${lambda.name}`);
      }
    }
  });
});

describe("transcode function", () => {
  const transcode = () => runningOne("transcode.handler");

  test("it and the jobs worker alone carry ffmpeg (the API invokes it): npm installs the arm64 build into their packages, the name packages/core resolves at run time", async () => {
    const { FFMPEG_PACKAGE } = await import("../infra/bundle");
    assert.equal(FFMPEG_PACKAGE, "@ffmpeg-installer/linux-arm64");
    const carriers = [transcode(), runningOne("jobs-worker.handler")];
    for (const fn of carriers) {
      assert.deepEqual(fn.bundle.install, { [FFMPEG_PACKAGE]: "*" }, fn.handler);
      assert.deepEqual(fn.lambda.inputs.architectures, ["arm64"], fn.handler);
    }
    assert.match(readFileSync(at("packages/core/src/audio/ffmpeg.ts"), "utf8"), /`@ffmpeg-installer\/\$\{process\.platform\}-\$\{process\.arch\}\/ffmpeg`/);
    assert.ok(JSON.parse(readFileSync(at("packages/core/package.json"), "utf8")).optionalDependencies[FFMPEG_PACKAGE], "the package is a dependency, so its version is locked");
    for (const fn of functions.filter((f) => !carriers.includes(f))) assert.equal(fn.bundle.install, undefined, `${fn.handler} would carry ffmpeg`);
  });

  test("gets Lambda's 15 minutes and a full vCPU, links only the bucket, and is invoked by the API and the jobs worker by its linked name", () => {
    const inputs = transcode().lambda.inputs;
    assert.equal(inputs.timeout, 15 * 60);
    assert.ok(inputs.memorySize >= 1769, "under 1,769 MB Lambda gives less than one vCPU");
    assert.deepEqual(transcode().links, ["Bucket"]);
    assert.match(readFileSync(at("packages/core/src/audio/invoke.ts"), "utf8"), /\.Transcode\.name/);
    for (const fn of [runningOne("api.handler"), runningOne("jobs-worker.handler")]) {
      const invokes = statementsOf(fn.role).some((s) => s.actions.includes("lambda:InvokeFunction") && s.resources.includes(arnOf(transcode().lambda.name)));
      assert.ok(invokes, `${fn.handler} may not invoke the transcode function`);
    }
  });
});

describe("every function", () => {
  test("runs a handler that its file exports", () => {
    assert.equal(functions.length, 8);
    for (const { handler } of functions) {
      const { file, exported, names } = handlerExports(handler);
      assert.ok(names.has(exported), `${file} does not export ${exported}`);
    }
  });

  test("runs Node 22 on arm64, bundled the one way infra/bundle.ts says (which the cold-start benchmark and tests/bundle.test.ts build)", async () => {
    const { nodejsBundle } = await import("../infra/bundle");
    for (const fn of functions) {
      assert.equal(fn.lambda.inputs.runtime, "nodejs22.x", fn.handler);
      assert.deepEqual(fn.lambda.inputs.architectures, ["arm64"], fn.handler);
      const { install: _install, ...bundle } = fn.bundle;
      assert.deepEqual(bundle, nodejsBundle, fn.handler);
    }
  });

  test("learns resource names from its links, never from hand-made variables", () => {
    for (const fn of functions) {
      const byHand = Object.keys(fn.lambda.inputs.environment.variables).filter((name) => /TABLE|BUCKET|QUEUE/i.test(name));
      assert.deepEqual(byHand, [], `${fn.handler} passes resource names by hand`);
    }
  });
});

describe("sst.config.ts", () => {
  test("production is retained and protected, in the pinned region; other stages are removable", () => {
    assert.deepEqual(production.app, { name: "sonna-history", home: "aws", removal: "retain", protect: true, providers: { aws: { region: "us-east-1" } } });
    assert.equal(deployed.app.removal, "remove");
    assert.equal(deployed.app.protect, false);
  });

  test("run() outputs the API URL, the table name and the bucket name", () => {
    assert.deepEqual(deployed.outputs, {
      api: `https://${one("aws:apigatewayv2/api:Api").name}.api.test`,
      table: one("aws:dynamodb/table:Table").inputs.name,
      bucket: one("aws:s3/bucket:Bucket").inputs.bucket,
    });
  });

  test("no physical name is hard-coded: each stage names its account-wide resources apart", () => {
    const nameKeys: Record<string, string> = {
      "aws:dynamodb/table:Table": "name",
      "aws:s3/bucket:Bucket": "bucket",
      "aws:sqs/queue:Queue": "name",
      "aws:lambda/function:Function": "name",
      "aws:iam/role:Role": "name",
      "aws:cloudwatch/logGroup:LogGroup": "name",
      "aws:apigatewayv2/api:Api": "name",
      "aws:scheduler/schedule:Schedule": "name",
    };
    for (const [type, key] of Object.entries(nameKeys)) {
      const resources = all(type);
      assert.ok(resources.length > 0, `no ${type}`);
      for (const { name, inputs } of resources) {
        const other = all(type, production).find((r) => r.name === name);
        assert.ok(typeof inputs[key] === "string" && other, `${type} ${name}`);
        assert.notEqual(other.inputs[key], inputs[key], `${type} ${name}`);
      }
    }
  });
});

describe("type checking", () => {
  test("the provider packages tsconfig.infra.json checks against are the versions SST pins", () => {
    const pinned = JSON.parse(readFileSync(path.join(platformDir, "package.json"), "utf8")).dependencies as Record<string, string>;
    const ours = JSON.parse(readFileSync(at("package.json"), "utf8")).devDependencies as Record<string, string>;
    const providers = Object.keys(pinned).filter((name) => name.startsWith("@pulumi/") || name.startsWith("@pulumiverse/"));
    assert.ok(providers.includes("@pulumi/aws") && providers.includes("@pulumi/pulumi"));
    for (const name of providers) assert.equal(ours[name], pinned[name], name);
  });
});
