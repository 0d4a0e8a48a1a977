// Runs sst.config.ts under Pulumi's unit-test mocks (`pulumi.runtime.setMocks`) with SST's real
// components from .sst/platform, and reports every resource they would deploy with its args.
// Nothing reaches AWS: the mocks answer Pulumi's resource registrations and provider calls, and
// a loopback server answers the two calls SST's components make to the CLI, which is not running:
// the bootstrap bucket's name (`Provider.Aws.Bootstrap`) and a function's build (`Runtime.Build`,
// answered with an empty bundle: tests/bundle.test.ts builds the real ones).
//   deploy("production")                       from a test: runs the program in a child process
//   npx tsx tests/support/sst-mocks.ts <stage>  prints the same report
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { platformDir, writePlatform } from "./sst-platform";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** The values `sst secret set` would give the stage's secrets (SST reads SST_SECRET_<name>). */
export const secrets = { JwtIssuer: "https://issuer.test/", JwtAudience: "sonna-history-test" };

/** The ARN the mocks give the resource registered as `name`. */
export const arnOf = (name: string) => `arn:aws:mock:us-east-1:123456789012:${name}`;

/** A resource as registered with Pulumi: its type token (`aws:lambda/function:Function`), name and args. */
export interface Resource {
  type: string;
  name: string;
  inputs: Record<string, any>;
}

/** What a Function component asked the CLI to build. */
export interface Build {
  functionID: string;
  handler: string;
  runtime: string;
  links: Record<string, unknown>;
  properties: Record<string, unknown>;
}

export interface Deployment {
  stage: string;
  /** sst.config.ts's app() for the stage. */
  app: Record<string, any>;
  /** What sst.config.ts's run() returned, resolved. */
  outputs: Record<string, unknown>;
  resources: Resource[];
  builds: Build[];
}

/**
 * Writes .sst/platform from the installed SST, then runs the program once per stage, each in a
 * child process of its own, so every stage gets fresh modules and mocks.
 */
export async function deploy<const Stages extends string[]>(...stages: Stages): Promise<{ [K in keyof Stages]: Deployment }> {
  writePlatform();
  const deployments = await Promise.all(
    stages.map(async (stage) => {
      const child = fork(fileURLToPath(import.meta.url), [stage], {
        cwd: repoRoot,
        execArgv: ["--import", "tsx"],
        stdio: ["ignore", "ignore", "pipe", "ipc"],
      });
      let stderr = "";
      child.stderr!.on("data", (chunk) => (stderr += chunk));
      const [deployment] = await Promise.all([
        new Promise<Deployment>((resolve) => child.once("message", (message) => resolve(message as Deployment))),
        new Promise<void>((resolve, reject) =>
          child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`the ${stage} program failed (exit ${code}):\n${stderr}`)))),
        ),
      ]);
      return deployment;
    }),
  );
  return deployments as { [K in keyof Stages]: Deployment };
}

/** Pulumi marks secret values with this key (its `specialSigKey`); the report shows them plainly. */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";
const reveal = (value: unknown): any =>
  Array.isArray(value)
    ? value.map(reveal)
    : value !== null && typeof value === "object"
      ? SECRET_SIGNATURE in value && "value" in value
        ? reveal(value.value)
        : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]))
      : value;

async function run(stage: string): Promise<Deployment> {
  // An error in an apply() (a missing secret, an arg SST refuses) fails a real deploy, and would
  // leave Pulumi waiting here forever.
  process.on("unhandledRejection", (error) => {
    console.error(error);
    process.exit(1);
  });

  const work = mkdtempSync(join(tmpdir(), "sonna-sst-"));
  const builds: Build[] = [];
  const cli = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      const { method, params } = JSON.parse(body) as { method: string; params: [any] };
      const results: Record<string, () => unknown> = {
        "Provider.Aws.Bootstrap": () => ({ asset: "sst-asset-bootstrap", assetEcrRegistryId: "123456789012", assetEcrUrl: "ecr.test", state: "sst-state-bootstrap" }),
        "Runtime.Build": () => {
          builds.push(params[0]);
          return { handler: params[0].handler, out: work, errors: [], sourcemaps: [] };
        },
      };
      const result = results[method];
      response.end(JSON.stringify(result ? { result: result() } : { error: `rpc: can't find method ${method}` }));
    });
  });
  await new Promise<void>((resolve) => cli.listen(0, "127.0.0.1", resolve));
  process.env.SST_SERVER = `http://127.0.0.1:${(cli.address() as AddressInfo).port}`;
  for (const [name, value] of Object.entries(secrets)) process.env[`SST_SECRET_${name}`] = value;

  const pulumi = await import("@pulumi/pulumi");
  const resources: Resource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: ({ type, name, inputs }) => {
        resources.push({ type, name, inputs });
        // The outputs SST reads back from what it creates: ARNs, a queue's URL, an API's endpoints.
        const arn = arnOf(name);
        return { id: `${name}-id`, state: { ...inputs, arn, url: `https://sqs.test/${name}`, apiEndpoint: `https://${name}.api.test`, executionArn: arn } };
      },
      call: ({ token, inputs }) => {
        const answers: Record<string, unknown> = {
          "aws:index/getRegion:getRegion": { name: "us-east-1", region: "us-east-1" },
          "aws:index/getPartition:getPartition": { partition: "aws", dnsSuffix: "amazonaws.com" },
          "aws:index/getCallerIdentity:getCallerIdentity": { accountId: "123456789012" },
          // The statements as given (SST reads them back), and as the JSON roles and policies carry.
          "aws:iam/getPolicyDocument:getPolicyDocument": { ...inputs, json: JSON.stringify(inputs) },
        };
        if (!(token in answers)) throw new Error(`no mock for ${token}`);
        return answers[token] as Record<string, unknown>;
      },
    },
    "sonna-history",
    stage,
    false,
  );

  // The globals SST's CLI defines before it runs sst.config.ts (platform/src/shim/run.js and
  // the CLI's own $app, $dev and $cli).
  const globals = globalThis as Record<string, unknown>;
  Object.assign(globals, await import(join(platformDir, "src/shim/run.js")));
  const config = (await import(join(repoRoot, "sst.config.ts"))).default as {
    app(input: { stage: string }): Record<string, any>;
    run(): Promise<Record<string, unknown>>;
  };
  const app = config.app({ stage });
  Object.assign(globals, {
    $app: { name: app.name, stage, removal: app.removal ?? "retain", protect: app.protect ?? false, providers: app.providers },
    $dev: false,
    $cli: { command: "deploy", rpc: process.env.SST_SERVER, paths: { home: work, root: repoRoot, work, platform: platformDir }, state: { version: {} } },
  });
  // Imported after $app: some components read it as they load.
  Object.assign(globals, { sst: await import(join(platformDir, "src/components/index.ts")), aws: await import("@pulumi/aws") });

  const outputs = await new Promise<Record<string, unknown>>((resolve, reject) =>
    config.run().then((value) => pulumi.output(value).apply(resolve), reject),
  );
  await pulumi.runtime.disconnect();
  cli.close();
  rmSync(work, { recursive: true, force: true });
  return reveal({ stage, app, outputs, resources, builds });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const stage = process.argv[2] ?? "test";
  run(stage).then(
    (deployment) => {
      if (process.send) process.send(deployment, () => process.exit(0));
      else {
        console.log(JSON.stringify(deployment, null, 2));
        process.exit(0);
      }
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
