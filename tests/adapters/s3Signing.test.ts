/**
 * S3 SigV4: every S3 vector of /work/shared/docs/protocol.md §3.3/§3.4 (AWS documentation examples and the
 * botocore-generated multipart rows), session tokens, payload modes, key encoding and host ports (extra vectors
 * computed by botocore 1.43.11 and aws4fetch 1.0.20, which agree), presign expiry, secret hygiene, then sign → verify
 * round trips (fast-check, fixed seed) where any change to a signed part must be rejected.
 */
import { inspect } from "node:util"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/testing/TestClock"
import fc from "fast-check"
import * as S3Credentials from "../../adapters/s3/S3Credentials.ts"
import * as S3 from "../../adapters/s3/S3SignatureV4.ts"

const ak = "AKIAIOSFODNN7EXAMPLE"
const sk = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
const token = "FQoGZXIvYXdzE//token+/="
const creds = S3Credentials.make({ accessKeyId: ak, secretAccessKey: sk })
const stsCreds = S3Credentials.make({ accessKeyId: ak, secretAccessKey: sk, sessionToken: token })
const host = "examplebucket.s3.amazonaws.com"
const when = Date.UTC(2013, 4, 24)
const scope = "20130524/us-east-1/s3/aws4_request"
const region = { region: "us-east-1" } as const
const known: S3.LookupSecret = (id) => Effect.succeed(id === ak ? Redacted.make(sk) : undefined)
const request = (method: string, path: string, query: Record<string, string> = {}, headers = {}): S3.S3Request => ({
  method,
  path,
  query,
  headers: { host, ...headers },
  date: when
})
const withHeaders = (r: S3.S3ReceivedRequest, added: Record<string, string>): S3.S3ReceivedRequest => ({
  ...r,
  headers: { ...r.headers, ...added }
})
const withQuery = (r: S3.S3ReceivedRequest, added: Record<string, string>): S3.S3ReceivedRequest => ({
  ...r,
  query: { ...r.query, ...added }
})
const sha256Hex = (text: string) =>
  Effect.promise(async () =>
    Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))), (b) =>
      b.toString(16).padStart(2, "0")
    ).join("")
  )
const authorization = (signedHeaders: string, signature: string) =>
  `AWS4-HMAC-SHA256 Credential=${ak}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`
const mismatch = (r: S3.S3ReceivedRequest, options: S3.S3VerifyOptions = region) =>
  Effect.map(Effect.flip(S3.verify(r, known, options)), (error) => error._tag)

const completeBody =
  '<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part><ETag>"5d41402abc4b2a76b9719d911017c592"</ETag><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>'
const headerVectors: ReadonlyArray<{
  readonly name: string
  readonly request: S3.S3Request
  readonly body: string | undefined
  readonly signedHeaders: string
  readonly signature: string
}> = [
  {
    name: "AWS doc GET /test.txt with Range",
    request: request("GET", "/test.txt", {}, { range: "bytes=0-9" }),
    body: "",
    signedHeaders: "host;range;x-amz-content-sha256;x-amz-date",
    signature: "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
  },
  {
    name: "AWS doc PUT /test$file.text",
    request: request(
      "PUT",
      "/test$file.text",
      {},
      { date: "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class": "REDUCED_REDUNDANCY" }
    ),
    body: "Welcome to Amazon S3.",
    signedHeaders: "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
    signature: "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
  },
  {
    name: "AWS doc GET /?lifecycle",
    request: request("GET", "/", { lifecycle: "" }),
    body: "",
    signedHeaders: "host;x-amz-content-sha256;x-amz-date",
    signature: "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"
  },
  {
    name: "AWS doc GET /?max-keys=2&prefix=J",
    request: request("GET", "/", { "max-keys": "2", prefix: "J" }),
    body: "",
    signedHeaders: "host;x-amz-content-sha256;x-amz-date",
    signature: "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
  },
  {
    name: "botocore CreateMultipartUpload POST ?uploads",
    request: request("POST", "/test.txt", { uploads: "" }),
    body: "",
    signedHeaders: "host;x-amz-content-sha256;x-amz-date",
    signature: "1591c03a7d35ded146b980292b9b353c7c53775dfd5a2ce94fe9725649a618fc"
  },
  {
    name: "botocore UploadPart, UNSIGNED-PAYLOAD",
    request: request("PUT", "/test.txt", { partNumber: "1", uploadId: "VXBsb2FkIElE" }, { "content-length": "5" }),
    body: undefined,
    signedHeaders: "content-length;host;x-amz-content-sha256;x-amz-date",
    signature: "46e2029730abd27d43048388515fc3634d2f200f0c20ecaa1d60d6c146bd04c3"
  },
  {
    name: "botocore CompleteMultipartUpload",
    request: request("POST", "/test.txt", { uploadId: "VXBsb2FkIElE" }),
    body: completeBody,
    signedHeaders: "host;x-amz-content-sha256;x-amz-date",
    signature: "667ee5252618506c212db4daa6b825d12cc63b37d34de6ffed7669f2d6cc9e0c"
  }
]

describe("S3 SigV4 header vectors (§3.3)", () => {
  for (const v of headerVectors) {
    it.effect(v.name, () =>
      Effect.gen(function* () {
        const payload: S3.S3Payload =
          v.body === undefined ? "UNSIGNED-PAYLOAD" : { sha256Hex: yield* sha256Hex(v.body) }
        const added = yield* S3.sign(v.request, creds, { ...region, service: "s3", payload })
        assert.strictEqual(added.authorization, authorization(v.signedHeaders, v.signature))
        assert.strictEqual(added["x-amz-date"], "20130524T000000Z")
        yield* S3.verify(withHeaders(v.request, added), known, region)
      })
    )
  }

  it.effect("payload hashes in the table are the SHA-256 of the bodies", () =>
    Effect.gen(function* () {
      assert.strictEqual(yield* sha256Hex(""), S3.emptyPayloadSha256)
      assert.strictEqual(
        yield* sha256Hex("Welcome to Amazon S3."),
        "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"
      )
      assert.strictEqual(
        yield* sha256Hex(completeBody),
        "eb02f70466b61a19b155e1fac5c1d882a81761b7485806d8de8c7a9e949ac930"
      )
    })
  )

  it.effect("GET /test.txt: canonical request and string-to-sign as in the AWS example", () =>
    Effect.gen(function* () {
      const r = withHeaders(request("GET", "/test.txt"), {
        range: "bytes=0-9",
        "x-amz-content-sha256": S3.emptyPayloadSha256,
        "x-amz-date": "20130524T000000Z"
      })
      const signed = ["host", "range", "x-amz-content-sha256", "x-amz-date"]
      const c = yield* S3.compute(r, Redacted.make(sk), "20130524T000000Z", scope, signed, S3.emptyPayloadSha256)
      assert.strictEqual(
        c.canonicalRequest,
        `GET\n/test.txt\n\nhost:${host}\nrange:bytes=0-9\nx-amz-content-sha256:${S3.emptyPayloadSha256}\n` +
          `x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n${S3.emptyPayloadSha256}`
      )
      assert.strictEqual(
        c.stringToSign,
        `AWS4-HMAC-SHA256\n20130524T000000Z\n${scope}\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972`
      )
      assert.strictEqual(c.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
      assert.strictEqual(S3.encodePath("/test$file.text"), "/test%24file.text")
      assert.strictEqual(S3.canonicalQuery({ uploads: "" }), "uploads=")
    })
  )
})

describe("S3 presigned URLs (§3.3, §3.4)", () => {
  const docUrl =
    `https://${host}/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2F` +
    "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
    "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
  const url = (r: S3.S3Request, params: Record<string, string>) =>
    `https://${host}${S3.encodePath(r.path)}?${S3.toQueryString({ ...r.query, ...params })}`

  it.effect("AWS doc GET /test.txt, 86400 s: canonical query, signature and URL", () =>
    Effect.gen(function* () {
      const r = request("GET", "/test.txt")
      const params = yield* S3.presign(r, creds, { ...region, expiresInSeconds: 86400 })
      const { "X-Amz-Signature": signature, ...unsigned } = params
      assert.strictEqual(
        S3.canonicalQuery(unsigned),
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2F" +
          "aws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
      )
      assert.strictEqual(signature, "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
      assert.strictEqual(url(r, params), docUrl)
      yield* S3.verify(withQuery(r, params), known, region)
    })
  )

  it.effect("session token: X-Amz-Security-Token is signed (botocore and aws4fetch agree)", () =>
    Effect.gen(function* () {
      const r = request("GET", "/test.txt")
      const params = yield* S3.presign(r, stsCreds, { ...region, expiresInSeconds: 3600 })
      assert.strictEqual(
        url(r, params),
        `https://${host}/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524` +
          "%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host" +
          "&X-Amz-Security-Token=FQoGZXIvYXdzE%2F%2Ftoken%2B%2F%3D" +
          "&X-Amz-Signature=fc894affe63df0dcef06efb3ec0e3ae0afd5581505f0d3b0224254ffd9fca596"
      )
      const ok = withQuery(r, params)
      yield* S3.verify(ok, known, region)
      const { "X-Amz-Security-Token": _, ...withoutToken } = ok.query
      assert.strictEqual(yield* mismatch({ ...ok, query: withoutToken }), "S3SignatureMismatch")
      assert.strictEqual(yield* mismatch(withQuery(ok, { "X-Amz-Expires": "3601" })), "S3SignatureMismatch")
    })
  )

  it.effect("expiry is checked against the Clock; bad parameters are malformed", () =>
    Effect.gen(function* () {
      const r = request("GET", "/test.txt")
      const signed = withQuery(r, yield* S3.presign(r, creds, { ...region, expiresInSeconds: 60 }))
      yield* TestClock.setTime(when + 60_000)
      yield* S3.verify(signed, known, region)
      yield* TestClock.setTime(when + 61_000)
      assert.strictEqual(yield* mismatch(signed), "S3RequestExpired")
      assert.strictEqual(yield* mismatch(withQuery(signed, { "X-Amz-Expires": "604801" })), "S3MalformedAuthorization")
      const both = withHeaders(signed, { authorization: authorization("host", "0".repeat(64)) })
      assert.strictEqual(yield* mismatch(both), "S3MalformedAuthorization")
      const exit = yield* Effect.exit(S3.presign(r, creds, { ...region, expiresInSeconds: 604_801 }))
      assert.isTrue(Exit.hasDies(exit))
    })
  )
})

describe("session tokens, payload modes, encoding, host ports", () => {
  const part = request("PUT", "/test.txt", { partNumber: "1", uploadId: "VXBsb2FkIElE" }, { "content-length": "5" })

  it.effect("header auth with a session token (botocore and aws4fetch agree)", () =>
    Effect.gen(function* () {
      const added = yield* S3.sign(part, stsCreds, { ...region, payload: "UNSIGNED-PAYLOAD" })
      assert.strictEqual(added["x-amz-security-token"], token)
      assert.strictEqual(
        added.authorization,
        authorization(
          "content-length;host;x-amz-content-sha256;x-amz-date;x-amz-security-token",
          "07f1a5de61dba0fddb14beadd6056ce50848f9954df323dd732568759053a5ac"
        )
      )
      const signed = withHeaders(part, added)
      yield* S3.verify(signed, known, region)
      assert.strictEqual(
        yield* mismatch(withHeaders(signed, { "x-amz-security-token": "other" })),
        "S3SignatureMismatch"
      )
    })
  )

  it.effect("UNSIGNED-PAYLOAD vs a signed payload hash", () =>
    Effect.gen(function* () {
      const unsigned = yield* S3.sign(part, creds, { ...region, payload: "UNSIGNED-PAYLOAD" })
      const hash = yield* sha256Hex("hello")
      const hashed = yield* S3.sign(part, creds, { ...region, payload: { sha256Hex: hash.toUpperCase() } })
      assert.strictEqual(unsigned["x-amz-content-sha256"], "UNSIGNED-PAYLOAD")
      assert.strictEqual(hashed["x-amz-content-sha256"], hash)
      assert.notStrictEqual(unsigned.authorization, hashed.authorization)
      yield* S3.verify(withHeaders(part, hashed), known, region)
      const swapped = withHeaders(part, { ...hashed, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" })
      assert.strictEqual(yield* mismatch(swapped), "S3SignatureMismatch")
      const { "x-amz-content-sha256": _, ...noPayload } = withHeaders(part, unsigned).headers
      assert.strictEqual(yield* mismatch({ ...part, headers: noPayload }), "S3MalformedAuthorization")
      const bad = yield* Effect.exit(S3.sign(part, creds, { ...region, payload: { sha256Hex: "abc" } }))
      assert.isTrue(Exit.hasDies(bad))
    })
  )

  it("keys are RFC 3986-encoded once, / kept, nothing normalised", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["/bucket/a b", "/bucket/a%20b"],
      ["/bucket/a+b", "/bucket/a%2Bb"],
      ["/bucket/~x-y_z.t", "/bucket/~x-y_z.t"],
      ["/bucket/100%", "/bucket/100%25"],
      ["/bucket/a%20b", "/bucket/a%2520b"],
      ["/bucket/ü文😀", "/bucket/%C3%BC%E6%96%87%F0%9F%98%80"],
      ["/bucket/a//./../b", "/bucket/a//./../b"],
      ["/bucket/$&=?#", "/bucket/%24%26%3D%3F%23"],
      ["", "/"]
    ]
    for (const [path, encoded] of cases) {
      assert.strictEqual(S3.encodePath(path), encoded, path)
      assert.strictEqual(S3.decodePath(encoded), path === "" ? "/" : path)
    }
    assert.isUndefined(S3.decodePath("/bad%E0%A4%A"))
  })

  it.effect("path-style key with space, +, ~, %, =, unicode on host:port (botocore and aws4fetch agree)", () =>
    Effect.gen(function* () {
      const r: S3.S3Request = {
        method: "PUT",
        path: "/my-bucket/dir/a b+c~d%e=ü😀.txt",
        query: { partNumber: "2", uploadId: "a/b=" },
        headers: { Host: "127.0.0.1:9000" },
        date: when
      }
      const added = yield* S3.sign(r, creds, { ...region, payload: "UNSIGNED-PAYLOAD" })
      const expected = "561b724cef28f90544d1045d9c42a9c564304851fff675f29cb8ae74ba59f441"
      assert.strictEqual(added.authorization, authorization("host;x-amz-content-sha256;x-amz-date", expected))
      const signed = withHeaders(r, added)
      yield* S3.verify(signed, known, region)
      for (const other of ["127.0.0.1", "127.0.0.1:9001", "localhost:9000"]) {
        const moved = { ...signed, headers: { ...signed.headers, Host: other } }
        assert.strictEqual(yield* mismatch(moved), "S3SignatureMismatch", other)
      }
      assert.strictEqual(yield* mismatch(signed, { region: "eu-west-1" }), "S3SignatureMismatch")
      const noHost = yield* Effect.exit(
        S3.sign({ ...r, headers: {} }, creds, { ...region, payload: "UNSIGNED-PAYLOAD" })
      )
      assert.isTrue(Exit.hasDies(noHost))
    })
  )

  it.effect("secrets stay out of String()/JSON/inspect of credentials and errors", () =>
    Effect.gen(function* () {
      const signed = withHeaders(part, yield* S3.sign(part, stsCreds, { ...region, payload: "UNSIGNED-PAYLOAD" }))
      const wrong: S3.LookupSecret = () => Effect.succeed(Redacted.make("not-the-secret"))
      const error = yield* Effect.flip(S3.verify(signed, wrong, region))
      assert.strictEqual(error._tag, "S3SignatureMismatch")
      for (const text of [
        String(stsCreds),
        JSON.stringify(stsCreds),
        inspect(stsCreds),
        String(error),
        JSON.stringify(error),
        inspect(error),
        error.message
      ]) {
        assert.notInclude(text, sk)
        assert.notInclude(text, token)
      }
      const unknown = yield* Effect.flip(S3.verify(signed, () => Effect.succeed(undefined), region))
      assert.strictEqual(unknown._tag, "S3UnknownAccessKey")
      assert.strictEqual(S3.requestTimeMs(signed), when)
    })
  )
})

describe("sign → verify round trip (fast-check)", () => {
  const params = { seed: 0x53_51_64, numRuns: 150 } as const
  const methods = ["GET", "PUT", "POST", "DELETE", "HEAD"]
  const piece = fc.oneof(
    fc.constantFrom(" ", "+", "~", "/", "%", "&", "=", "?", "文", "😀", "ü", "."),
    fc.string({ unit: "binary", maxLength: 3 })
  )
  const keyArb = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(""))
  const printable = fc.string({ unit: "grapheme-ascii", maxLength: 12 })
  const queryKey = fc.oneof(
    fc.constantFrom("uploads", "uploadId", "partNumber", "max-parts", "prefix", "encoding-type", "versionId"),
    fc.string({ unit: "binary", maxLength: 6 })
  )
  const requestArb = fc.record({
    method: fc.constantFrom(...methods),
    bucket: fc.stringMatching(/^[a-z0-9][a-z0-9-]{2,12}$/),
    pathStyle: fc.boolean(),
    port: fc.integer({ min: 1, max: 65535 }),
    key: keyArb,
    query: fc.dictionary(queryKey, fc.string({ unit: "binary", maxLength: 6 }), { maxKeys: 5 }),
    metas: fc.dictionary(fc.stringMatching(/^[a-z0-9-]{1,8}$/), printable, { maxKeys: 4 }),
    contentType: fc.option(printable, { nil: undefined }),
    payload: fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), { nil: undefined }),
    date: fc.integer({ min: 978_307_200, max: 3_786_912_000 }).map((seconds) => seconds * 1000)
  })
  const mutationArb = fc.record({
    kind: fc.constantFrom("method", "path", "signed header", "query", "date"),
    pick: fc.nat()
  })
  type Generated = typeof requestArb extends fc.Arbitrary<infer A> ? A : never
  const toRequest = (g: Generated): S3.S3Request => {
    const host = g.pathStyle ? `127.0.0.1:${g.port}` : `${g.bucket}.s3.us-east-1.amazonaws.com`
    const headers: Record<string, string> = { host }
    for (const [name, value] of Object.entries(g.metas)) headers[`x-amz-meta-${name}`] = value
    if (g.contentType !== undefined) headers["content-type"] = g.contentType
    const path = g.pathStyle ? `/${g.bucket}/${g.key}` : `/${g.key}`
    return { method: g.method, path, query: g.query, headers, date: g.date }
  }

  const mutate = (r: S3.S3ReceivedRequest, kind: string, pick: number, dateParam: string | undefined) => {
    const date = (ms: number) => S3.formatAmzDate(ms + 1000 * (1 + (pick % 3600)))
    switch (kind) {
      case "method":
        return { ...r, method: methods[(methods.indexOf(r.method) + 1 + (pick % 4)) % methods.length] ?? "PATCH" }
      case "path":
        return { ...r, path: `${r.path}${pick % 2 === 0 ? "x" : " "}` }
      case "signed header": {
        const names = Object.keys(r.headers).filter((n) => !["x-amz-date", "authorization", "user-agent"].includes(n))
        const name = names[pick % names.length] ?? "host"
        return withHeaders(r, { [name]: `${r.headers[name] ?? ""}z` })
      }
      case "query": {
        const names = Object.keys(r.query).filter((n) => !n.startsWith("X-Amz-"))
        const name = names[pick % names.length]
        return withQuery(r, name === undefined ? { acl: "" } : { [name]: `${r.query[name]}1` })
      }
      default:
        return dateParam === undefined
          ? withHeaders(r, { "x-amz-date": date(S3.parseAmzDate(r.headers["x-amz-date"] ?? "") ?? 0) })
          : withQuery(r, { [dateParam]: date(S3.parseAmzDate(r.query[dateParam] ?? "") ?? 0) })
    }
  }
  const run = <A, E>(effect: Effect.Effect<A, E>, now: number) =>
    Effect.runPromise(Effect.provide(Effect.andThen(TestClock.setTime(now), effect), TestClock.layer()))

  it.effect("header auth: verify accepts what sign produced, rejects any change to a signed part", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(requestArb, mutationArb, async (g, { kind, pick }) => {
          const r = toRequest(g)
          const payload = g.payload === undefined ? "UNSIGNED-PAYLOAD" : { sha256Hex: g.payload }
          const signed = withHeaders(r, await run(S3.sign(r, stsCreds, { ...region, payload }), g.date))
          await run(S3.verify(withHeaders(signed, { "user-agent": "proxy/2" }), known, region), g.date)
          const tag = await run(mismatch(mutate(signed, kind, pick, undefined)), g.date)
          assert.strictEqual(tag, "S3SignatureMismatch", kind)
        }),
        params
      )
    )
  )

  it.effect("presigned: verify accepts what presign produced, rejects any change to a signed part", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(requestArb, mutationArb, async (g, { kind, pick }) => {
          const r = toRequest(g)
          const signed = withQuery(r, await run(S3.presign(r, stsCreds, { ...region, expiresInSeconds: 900 }), g.date))
          await run(S3.verify(withHeaders(signed, { "user-agent": "browser" }), known, region), g.date)
          const tag = await run(mismatch(mutate(signed, kind, pick, "X-Amz-Date")), g.date)
          assert.strictEqual(tag, "S3SignatureMismatch", kind)
        }),
        params
      )
    )
  )
})
