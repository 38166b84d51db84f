/**
 * Why `LocalOssServer.start` could not start, as a tagged error whose message is one line naming the fix: the CLI
 * prints it as is (exit code 2), and a library user can match on `reason` instead of parsing text or Node's codes.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"

/**
 * - `options`: an option is out of range or malformed (port, keys, limits);
 * - `locked`: another live server holds the data directory;
 * - `address`: the host and port cannot be listened on (in use, not this machine's, not permitted);
 * - `storage`: the data directory cannot be created, written or read.
 *
 * @category errors
 */
export class ServerStartError extends Data.TaggedError("ServerStartError")<{
  readonly reason: "options" | "locked" | "address" | "storage"
  readonly message: string
  readonly cause?: unknown
}> {}

const codeOf = (cause: unknown): string | undefined => {
  const code = (cause as { code?: unknown } | null)?.code
  return typeof code === "string" ? code : undefined
}

/** The error of a failed `listen` on `host:port`. @category constructors */
export const ofListen = (cause: unknown, host: string, port: number): ServerStartError => {
  const at = `${host}:${port}`
  const code = codeOf(cause)
  const message =
    code === "EADDRINUSE"
      ? `port ${port} on ${host} is already in use: stop what listens there, or pick another port (0 picks a free one)`
      : code === "EACCES"
        ? `not permitted to listen on ${at}: pick a port above 1023`
        : code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EAI_AGAIN"
          ? `cannot listen on ${at}: ${host} is not an address of this machine; use 127.0.0.1 or one of its addresses`
          : `cannot listen on ${at} (${code ?? String(cause)}): pick another host or port`
  return new ServerStartError({ reason: "address", message, cause })
}

/** The error of a data directory that could not be opened; a `ServerStartError` passes through. @category constructors */
export const ofStorage = (cause: unknown, path: string): ServerStartError => {
  if (cause instanceof ServerStartError) return cause
  const code = codeOf(cause)
  const why =
    code === "EACCES" || code === "EPERM" || code === "EROFS"
      ? "is not writable"
      : code === "ENOTDIR" || code === "EEXIST"
        ? "is not a directory (or lies under a file)"
        : code === "ENOSPC"
          ? "is on a full disk"
          : `cannot be opened (${code ?? (cause instanceof Error ? cause.message : String(cause))})`
  const message = `the data directory ${path} ${why}: make it a writable directory, or pick another data directory`
  return new ServerStartError({ reason: "storage", message, cause })
}

/** The error of an option `resolveOptions` refused (it throws RangeErrors naming the option). @category constructors */
export const ofOptions = (cause: unknown): ServerStartError => {
  const text = cause instanceof Error ? cause.message : String(cause)
  return new ServerStartError({ reason: "options", message: text.replace(/^LocalOssServer: /, ""), cause })
}
