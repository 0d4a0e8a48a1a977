import { handle } from "hono/aws-lambda";
import { withObservability } from "@sonna/core/observability";
import { app } from "./app";

/**
 * The Lambda entry behind the HTTP API (payload format 2.0): log lines carry the request id, and
 * the invocation's metrics are published when it ends.
 */
export const handler = withObservability(handle(app));
