/**
 * One HTTP request, start to finish: its dialect (requestDialect.ts), CORS preflight, addressing, authentication
 * (OSS signatures or SigV4), routing, the payload-hash claim of operations that take no body (payloadClaim.ts), the
 * operation, and the safety net. Whatever goes wrong ends as an `<Error>`
 * response in the request's dialect; an unexpected exception becomes
 * `500 InternalError` without a stack (the cause goes to `onInternalError`), and the server keeps serving.
 *
 * @since 0.1.0
 */
import type { IncomingMessage, ServerResponse } from "node:http"
import type { ModelError } from "@resumable-upload/sim/MultipartModel"
import type { BucketRegistry } from "./BucketRegistry.ts"
import { answerPreflight } from "./cors.ts"
import { checkIgnoredBody, claimError, emptySha256Hex, hasBody } from "./payloadClaim.ts"
import { authenticate } from "./requestAuth.ts"
import type { InFlightBudget } from "./requestBody.ts"
import { requestDialect } from "./requestDialect.ts"
import { requestPath, resolveTarget } from "./requestTarget.ts"
import { type Exchange, nextRequestId, sendError, setRequestIdHeaders } from "./responses.ts"
import { routeOf } from "./router.ts"
import type { ServerStore } from "./ServerStore.ts"
import { authenticateS3 } from "./s3Auth.ts"
import * as ServerErrors from "./serverErrors.ts"
import type { ResolvedOptions } from "./serverOptions.ts"

/** @category models */
export interface HandlerDeps {
  readonly options: ResolvedOptions
  readonly store: ServerStore
  readonly buckets: BucketRegistry
  readonly budget: InFlightBudget
  readonly onInternalError: (cause: unknown) => void
}

// Requests whose body may still be arriving when they are refused: their connection is closed after the answer.
const bodyMethods = new Set(["PUT", "POST"])

/** Node's headers as one lowercase string each (repeats joined with `,`, as the signers expect). */
const plainHeaders = (req: IncomingMessage): Record<string, string> => {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value
  }
  return headers
}

const handle = async (ex: Exchange, deps: HandlerDeps): Promise<void> => {
  const { req, res } = ex
  const method = req.method ?? "GET"
  if (method === "OPTIONS") return answerPreflight(req, res)
  const { options } = deps
  const refuseEarly = bodyMethods.has(method)
  const resolved = resolveTarget(req.url ?? "/", req.headers.host, {
    ownHost: options.host,
    defaultBucket: options.defaultBucket
  })
  if (!resolved.ok) return sendError(ex, resolved.error, {}, refuseEarly)
  const { bucket, key, query } = resolved.target
  const headers = plainHeaders(req)
  const denied: ModelError | undefined =
    ex.dialect === "s3"
      ? await authenticateS3({ method, path: requestPath(req.url ?? "/"), query, headers }, options, ex.nowMs)
      : await authenticate(
          {
            method,
            ...(bucket === undefined ? {} : { bucket }),
            ...(key === undefined ? {} : { key }),
            query,
            headers
          },
          options,
          ex.nowMs
        )
  if (denied !== undefined) return sendError(ex, denied, {}, refuseEarly)
  const route = routeOf(method, bucket, key, query, headers)
  if (!route.ok) return sendError(ex, route.error, {}, refuseEarly)
  // The payload hash a request claims must hold for what it sent, whether or not the operation reads a body.
  if (route.ignoresBody === true) {
    const checked = await checkIgnoredBody(req, ex.dialect, headers, options.limits.maxXmlBytes)
    if (!checked.ok)
      return checked.aborted === true ? undefined : sendError(ex, checked.error, {}, checked.closeConnection)
  } else if (!hasBody(req)) {
    const error = claimError(ex.dialect, headers, () => emptySha256Hex)
    if (error !== undefined) return sendError(ex, error)
  }
  // Only service-level operations (ListBuckets) run without a bucket; they do not read it.
  await route.handler({
    ex,
    bucket: bucket ?? "",
    key,
    query,
    headers,
    store: deps.store,
    buckets: deps.buckets,
    options,
    budget: deps.budget
  })
}

/** The `request` listener of the server; resolves when the response is written (or abandoned). @category constructors */
export const handleRequest = async (req: IncomingMessage, res: ServerResponse, deps: HandlerDeps): Promise<void> => {
  // Socket errors surface as 'error' events; unhandled, one reset connection would take the process down.
  req.on("error", () => undefined)
  res.on("error", () => undefined)
  const nowMs = deps.options.now()
  const ex: Exchange = {
    req,
    res,
    requestId: nextRequestId(nowMs),
    hostId: req.headers.host ?? deps.options.host,
    nowMs,
    dialect: requestDialect(req.headers.authorization, req.url ?? "/", deps.options.dialect)
  }
  // Set up front so even a preflight, answered outside the response helpers, carries it.
  setRequestIdHeaders(ex)
  try {
    await handle(ex, deps)
  } catch (cause) {
    deps.onInternalError(cause)
    if (res.headersSent) res.destroy()
    else sendError(ex, ServerErrors.internalError(), {}, true)
  }
}
