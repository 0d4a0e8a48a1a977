/** What the CLI prints and exits with for an error that ended a command (see help.ts for the codes). */
import { SonnaApiError, SonnaConnectionError, SonnaFileError } from "../errors.js";
import { ConfigError, EXIT, UsageError } from "./command.js";

export interface Failure {
  exit: number;
  /** "usage", "config", "connection", "local", or the API's own dotted code. */
  code: string;
  message: string;
  status?: number;
}

export function describeFailure(error: unknown, url: string | undefined): Failure {
  const message = (error as Error)?.message ?? String(error);
  if (error instanceof UsageError || (error as { code?: unknown })?.code?.toString().startsWith("ERR_PARSE_ARGS")) return { exit: EXIT.usage, code: "usage", message };
  if (error instanceof ConfigError) return { exit: EXIT.usage, code: "config", message };
  if (error instanceof SonnaConnectionError) {
    return { exit: EXIT.usage, code: "connection", message: `Cannot reach the API at ${error.url} (${error.reason}); check --url or SONNA_API_URL.` };
  }
  if (error instanceof SonnaApiError) {
    if (error.status === 401 || error.status === 403) {
      return { exit: EXIT.usage, code: error.code, status: error.status, message: `The API refused the token (${message}); check --token or SONNA_TOKEN.` };
    }
    // Not an answer of this API: a wrong --url (another server, or a path under the API's).
    if (error.code.startsWith("http.") || error.code === "route.not_found") {
      return { exit: EXIT.usage, code: "config", status: error.status, message: `${url ?? "The URL"} did not answer as the Sonna History API (${message}); check --url or SONNA_API_URL.` };
    }
    return { exit: EXIT.itemsFailed, code: error.code, status: error.status, message };
  }
  if ((error as Error)?.name === "AbortError") return { exit: EXIT.interrupted, code: "interrupted", message: "Interrupted." };
  if (error instanceof SonnaFileError) return { exit: EXIT.usage, code: "local", message };
  const errno = error as NodeJS.ErrnoException;
  if (typeof errno?.code === "string" && typeof errno.syscall === "string") return { exit: EXIT.usage, code: "local", message: `Local file error: ${message}` };
  return { exit: EXIT.itemsFailed, code: "error", message };
}
