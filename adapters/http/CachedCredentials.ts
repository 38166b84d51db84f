/**
 * Temporary credentials (STS, a role, a token service) fetched from a provider and cached until shortly before they
 * expire, so a long upload keeps signing after the first set lapses (ali-oss's `refreshSTSToken`, the AWS SDKs'
 * credential providers). Concurrent callers share one refresh: forty parts starting at once cost one provider call.
 *
 * @since 0.2.0
 */

import { isoFromEpochMs } from "@resumable-upload/core/IsoTime"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"

/** What a provider returns; `expiresAtMs` is epoch milliseconds. @category models */
export interface TemporaryCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
  readonly expiresAtMs: number
}

/** @category models */
export type CredentialsProvider = () => Promise<TemporaryCredentials>

/** Refresh this long before expiry, so a request signed now is not refused in flight (AWS SDKs use 5 min). @category constants */
export const defaultRefreshBeforeMs = 5 * 60_000

/** A provider that failed or returned credentials that are already (nearly) expired. @category errors */
export class CredentialsRefreshError extends Error {
  override readonly name = "CredentialsRefreshError"
}

/**
 * An Effect that yields current credentials, calling `provider` only when none are cached or the cached set
 * expires within `refreshBeforeMs`. A failed refresh is not cached: the next caller tries again.
 *
 * @category constructors
 */
export const make = (
  provider: CredentialsProvider,
  refreshBeforeMs: number = defaultRefreshBeforeMs
): Effect.Effect<TemporaryCredentials> => {
  let cached: TemporaryCredentials | undefined
  let pending: Promise<TemporaryCredentials> | undefined
  const refresh = (nowMs: number): Promise<TemporaryCredentials> => {
    pending ??= provider()
      .then((fresh) => {
        if (typeof fresh?.accessKeyId !== "string" || typeof fresh.secretAccessKey !== "string") {
          throw new CredentialsRefreshError("credentials provider: expected { accessKeyId, secretAccessKey, … }")
        }
        if (!Number.isFinite(fresh.expiresAtMs) || fresh.expiresAtMs - refreshBeforeMs <= nowMs) {
          throw new CredentialsRefreshError(
            `credentials provider: the credentials expire at ${isoFromEpochMs(fresh.expiresAtMs)} (expiresAtMs), not after ` +
              `${isoFromEpochMs(nowMs + refreshBeforeMs)} (now + refreshBeforeMs, ${refreshBeforeMs} ms); ` +
              "return credentials that live longer, or lower refreshBeforeMs"
          )
        }
        cached = fresh
        return fresh
      })
      .finally(() => {
        pending = undefined
      })
    return pending
  }
  return Effect.flatMap(Clock.currentTimeMillis, (nowMs) =>
    cached !== undefined && cached.expiresAtMs - refreshBeforeMs > nowMs
      ? Effect.succeed(cached)
      : // A provider failure is a defect here: the call that needed it cannot be signed, and no retry of that call helps.
        Effect.promise(() => refresh(nowMs))
  )
}
