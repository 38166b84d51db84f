/**
 * What a signing endpoint agrees to sign: buckets, a key prefix, a maximum body size, content types, an expiry
 * bound and the operations. `check` names the first rule a request breaks, so the page's error says which one
 * (`{ rule: "keyPrefix", message: … }`) instead of a bare 403.
 *
 * **Gotcha**: the endpoint is stateless, so `maxObjectSizeBytes` bounds each signed body (a PutObject, one part),
 * not the sum of a multipart upload's parts; a policy that must cap the total also caps `maxPartNumber`.
 *
 * @since 0.2.0
 */
import type { Operation } from "@resumable-upload/core/ports/ObjectStore"
import type { SignRefusal, SignRequest, SignRule } from "@resumable-upload/http/SignWire"
import { extraHeaderPattern, operations, uploadOperations } from "./SignOperations.ts"

/** @category models */
export interface SignPolicyInput {
  /** Buckets that may be written (at least one). */
  readonly buckets: ReadonlyArray<string>
  /** Keys must start with this; `""` allows any key. Use a per-user prefix (`uploads/<user>/`). */
  readonly keyPrefix: string
  /** Largest body one signed request may carry. */
  readonly maxObjectSizeBytes: number
  /** Content types an object may be created with; omitted: any. */
  readonly contentTypes?: ReadonlyArray<string>
  /** Longest URL lifetime granted; default 900 s, at most 604800 s (seven days, S3's limit). */
  readonly maxExpiresInSeconds?: number
  /** Lifetime when the page asks for none; default min(300, maxExpiresInSeconds). */
  readonly defaultExpiresInSeconds?: number
  /** Default: every upload operation. */
  readonly operations?: ReadonlyArray<Operation>
  /** Highest part number signed; default 10000. */
  readonly maxPartNumber?: number
}

/** @category models */
export interface SignPolicy {
  readonly buckets: ReadonlySet<string>
  readonly keyPrefix: string
  readonly maxObjectSizeBytes: number
  readonly contentTypes: ReadonlySet<string> | undefined
  readonly maxExpiresInSeconds: number
  readonly defaultExpiresInSeconds: number
  readonly operations: ReadonlySet<Operation>
  readonly maxPartNumber: number
}

const maxPresignSeconds = 604_800

const positiveInteger = (value: number, name: string, max: number): number => {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new RangeError(`signer policy: ${name} must be an integer 1 … ${max}, got ${value}`)
  }
  return value
}

/** Validates a policy; a bad one throws at start-up, naming the field, never at the first request. @category constructors */
export const make = (input: SignPolicyInput): SignPolicy => {
  if (input.buckets.length === 0) throw new RangeError("signer policy: buckets must name at least one bucket")
  const maxExpiresInSeconds = positiveInteger(
    input.maxExpiresInSeconds ?? 900,
    "maxExpiresInSeconds",
    maxPresignSeconds
  )
  const ops = input.operations ?? uploadOperations
  for (const op of ops) {
    if (operations[op] === undefined) throw new RangeError(`signer policy: ${op} is not a signable operation`)
  }
  return {
    buckets: new Set(input.buckets),
    keyPrefix: input.keyPrefix,
    maxObjectSizeBytes: positiveInteger(input.maxObjectSizeBytes, "maxObjectSizeBytes", Number.MAX_SAFE_INTEGER),
    contentTypes: input.contentTypes === undefined ? undefined : new Set(input.contentTypes),
    maxExpiresInSeconds,
    defaultExpiresInSeconds: positiveInteger(
      input.defaultExpiresInSeconds ?? Math.min(300, maxExpiresInSeconds),
      "defaultExpiresInSeconds",
      maxExpiresInSeconds
    ),
    operations: new Set(ops),
    maxPartNumber: positiveInteger(input.maxPartNumber ?? 10_000, "maxPartNumber", 10_000)
  }
}

const refuse = (rule: SignRule, message: string): SignRefusal => ({ error: "PolicyRefused", rule, message })

/** The first rule `request` breaks, or `undefined` when the policy allows it. @category utils */
export const check = (policy: SignPolicy, request: SignRequest): SignRefusal | undefined => {
  const shape = operations[request.operation]
  if (shape === undefined || !policy.operations.has(request.operation)) {
    return refuse("operation", `operation ${request.operation} is not allowed; allowed: ${[...policy.operations]}`)
  }
  if (!policy.buckets.has(request.bucket)) return refuse("bucket", `bucket ${request.bucket} is not allowed`)
  if (!request.key.startsWith(policy.keyPrefix)) {
    return refuse("keyPrefix", `key must start with ${JSON.stringify(policy.keyPrefix)}`)
  }
  if (request.sizeBytes !== undefined && request.sizeBytes > policy.maxObjectSizeBytes) {
    return refuse("maxObjectSize", `sizeBytes ${request.sizeBytes} exceeds ${policy.maxObjectSizeBytes}`)
  }
  if (request.partNumber !== undefined && request.partNumber > policy.maxPartNumber) {
    return refuse("maxObjectSize", `partNumber ${request.partNumber} exceeds ${policy.maxPartNumber}`)
  }
  if (shape.setsContentType && policy.contentTypes !== undefined) {
    const type = request.contentType ?? ""
    if (!policy.contentTypes.has(type)) {
      return refuse("contentType", `content type ${JSON.stringify(type)} is not one of ${[...policy.contentTypes]}`)
    }
  }
  const expires = request.expiresInSeconds
  if (expires !== undefined && expires > policy.maxExpiresInSeconds) {
    return refuse("expiry", `expiresInSeconds ${expires} exceeds ${policy.maxExpiresInSeconds}`)
  }
  for (const name of Object.keys(request.headers ?? {})) {
    if (!extraHeaderPattern.test(name)) return refuse("header", `header ${name} may not be signed`)
  }
  for (const name of Object.keys(request.query ?? {})) {
    if (!shape.optionalQuery.includes(name)) return refuse("query", `query parameter ${name} may not be signed`)
  }
  return undefined
}
