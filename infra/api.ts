import { PUBLIC_PATHS } from "../packages/core/src/public-routes";
import { apiFunctionFiles, nodejsBundle } from "./bundle";
import { allowedOrigins, jwtAudience, jwtIssuer } from "./auth";
import { bucket } from "./bucket";
import { jobsQueue } from "./jobs";
import { table } from "./table";
import { transcodeFunction } from "./transcode";
import { webhookQueue } from "./webhooks";

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
  // the API records jobs and sends them to the queue (Resource.Jobs.url), nudges webhook
  // dispatchers after writes with events (Resource.Webhooks.url), and invokes the transcode
  // function for downloads in other formats (Resource.Transcode.name).
  link: [table, bucket, jobsQueue, webhookQueue, transcodeFunction],
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

/**
 * API Gateway verifies the bearer token before the function runs: its signature against the keys
 * the issuer's OIDC discovery document (`<issuer>/.well-known/openid-configuration`) names, `iss`,
 * `aud`, `exp` and `nbf`. It answers 401 itself, and hands the verified claims to the function in
 * the event (`requestContext.authorizer.jwt.claims`), whose `sub` is the tenant.
 */
export const authorizer = api.addAuthorizer({
  name: "Jwt",
  jwt: { issuer: jwtIssuer.value, audiences: [jwtAudience.value] },
});

/**
 * Routes anyone may call: the health check, the OpenAPI document, the reference page and the
 * assets it loads, and CORS preflights, which browsers send without a token (`$default` catches
 * OPTIONS too, so without this route the authorizer would refuse them). API Gateway prefers any
 * matching route to `$default`.
 */
export const publicRoutes = [...PUBLIC_PATHS.map((path) => `GET ${path}`), "GET /docs/{proxy+}", "OPTIONS /{proxy+}"];
for (const route of publicRoutes) api.route(route, apiFunction.arn);
api.route("$default", apiFunction.arn, { auth: { jwt: { authorizer: authorizer.id } } });
