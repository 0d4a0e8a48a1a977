import { apiFunctionFiles, nodejsBundle } from "./bundle";
import { PUBLIC_PATHS } from "../packages/core/src/public-routes";
import { allowedOrigins, jwtAudience, jwtIssuer } from "./auth";
import { bucket } from "./bucket";
import { jobsQueue } from "./jobs";
import { table } from "./table";

export const apiFunction = new sst.aws.Function("ApiHandler", {
  handler: "packages/functions/src/api.handler",
  nodejs: nodejsBundle,
  copyFiles: apiFunctionFiles,
  runtime: "nodejs22.x",
  architecture: "arm64",
  memory: "1024 MB",
  // API Gateway gives up after 30 s; ending first returns our error instead of a bare 503.
  timeout: "29 seconds",
  // Grants the IAM permissions and passes the names that Resource.Table / Resource.Bucket read;
  // the API records jobs and sends them to the queue (Resource.Jobs.url).
  link: [table, bucket, jobsQueue],
});

/** HTTP API (payload format 2.0, which the handler is written against); every path goes to Hono. */
export const api = new sst.aws.ApiGatewayV2("Api", {
  cors: {
    allowOrigins: allowedOrigins,
    allowMethods: ["*"],
    // A wildcard alone does not cover Authorization in browsers, so it is named explicitly.
    allowHeaders: ["authorization", "content-type", "*"],
    maxAge: "1 day",
  },
});
/** Verifies every token before the function runs (infra/auth.ts); the function reads its claims. */
export const authorizer = api.addAuthorizer({
  name: "Jwt",
  jwt: { issuer: jwtIssuer.value, audiences: [jwtAudience.value] },
});

// Every path goes to the app behind the authorizer, except the public ones the app serves to anyone.
api.route("$default", apiFunction.arn, { auth: { jwt: { authorizer: authorizer.id } } });
for (const path of [...PUBLIC_PATHS, "/docs/{proxy+}"]) api.route(`GET ${path}`, apiFunction.arn);
