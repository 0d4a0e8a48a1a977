import { handle } from "hono/aws-lambda";
import { app } from "./app";

/** The Lambda entry behind the HTTP API's `$default` route (payload format 2.0). */
export const handler = handle(app);
