/**
 * Where the Ceph RGW used by the live S3 suites is, with which credentials, and whether it is up, so those suites
 * can skip with a clear message on a machine without it (`bash .ci/ensure-rgw.sh` starts one).
 *
 * RGW suites are the test files whose name contains `rgw` (any case). CI runs them in their own stage (`rgw` in
 * .ci/test.sh) with `RGW_REQUIRED=1`, where a missing RGW is a failure rather than a skip.
 */

/** `RGW_ENDPOINT`, default `http://127.0.0.1:7480` (path-style, any region). */
export const rgwEndpoint = process.env.RGW_ENDPOINT ?? "http://127.0.0.1:7480"

/** `RGW_ACCESS_KEY_ID` / `RGW_SECRET_ACCESS_KEY`, default the test user `test` / `testtesttest`. */
export const rgwCredentials = {
  accessKeyId: process.env.RGW_ACCESS_KEY_ID ?? "test",
  secretAccessKey: process.env.RGW_SECRET_ACCESS_KEY ?? "testtesttest"
} as const

/** How the suites tell a developer to get RGW. */
export const rgwHint = `Ceph RGW is not answering at ${rgwEndpoint}; start it with: bash .ci/ensure-rgw.sh`

/** `RGW_REQUIRED=1` (the CI's rgw stage): RGW must be there, so its absence fails the suites instead of skipping them. */
export const rgwRequired = process.env.RGW_REQUIRED === "1"

let probe: Promise<boolean> | undefined

/**
 * True when an S3 server answers at {@link rgwEndpoint} (an `x-amz-request-id` in the reply within 2 s); probed
 * once. When it does not: false, or, with {@link rgwRequired}, a rejection carrying {@link rgwHint}, so a suite
 * that gates on it with a top-level `await` fails as a whole.
 */
export const rgwAvailable = (): Promise<boolean> => {
  probe ??= fetch(rgwEndpoint, { signal: AbortSignal.timeout(2000) })
    .then(async (response) => {
      await response.arrayBuffer()
      return response.headers.has("x-amz-request-id")
    })
    .catch(() => false)
  return probe.then((up) => {
    if (!up && rgwRequired) throw new Error(`RGW_REQUIRED=1 but ${rgwHint}`)
    return up
  })
}

/** {@link rgwAvailable}, printing why `suite` is skipped when RGW is not there (and not required). */
export const rgwGate = async (suite: string): Promise<boolean> => {
  const up = await rgwAvailable()
  if (!up) console.warn(`Skipping ${suite}. ${rgwHint} (set RGW_REQUIRED=1 to fail instead)`)
  return up
}

let counter = 0

/** A fresh, valid bucket name (3–63 chars, lowercase): `prefix-<time>-<random>-<n>`. */
export const uniqueBucket = (prefix: string): string => {
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .slice(0, 30)
  const suffix = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}-${counter++}`
  return `${clean}-${suffix}`.slice(0, 63).replace(/-+$/, "")
}
