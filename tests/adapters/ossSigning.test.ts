/**
 * OSS request signing, V1 and V4: every OSS vector of /work/shared/docs/protocol.md §3.1, §3.2 (GOv2
 * `oss/signer/signer_test.go` and the PYv2-generated multipart tables), STS, sub-resource order and key encoding,
 * then sign → verify round trips (fast-check, fixed seed) where any change to a signed part must be rejected.
 */
import { inspect } from "node:util"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import fc from "fast-check"
import { parseOssDate } from "../../adapters/oss/OssCanonical.ts"
import * as OssCredentials from "../../adapters/oss/OssCredentials.ts"
import * as V1 from "../../adapters/oss/OssSignatureV1.ts"
import * as V4 from "../../adapters/oss/OssSignatureV4.ts"
import {
  type LookupSecret,
  type OssReceivedRequest,
  type OssRequest,
  requestTimeMs,
  SignatureMismatch
} from "../../adapters/oss/OssSigning.ts"
import { compareCodePoints } from "../../core/CodePointOrder.ts"

const creds = OssCredentials.make({ accessKeyId: "ak", accessKeySecret: "sk" })
const stsCreds = OssCredentials.make({ accessKeyId: "ak", accessKeySecret: "sk", securityToken: "token" })
const secrets =
  (table: Record<string, string>): LookupSecret =>
  (accessKeyId) => {
    const secret = table[accessKeyId]
    return Effect.succeed(secret === undefined ? undefined : Redacted.make(secret))
  }
const known = secrets({ ak: "sk" })
const wrongSecret = secrets({ ak: "not-sk" })
/** What the server receives: the request plus the headers `sign` returned. */
const received = (request: OssReceivedRequest, added: Record<string, string>): OssReceivedRequest => ({
  ...request,
  headers: { ...request.headers, ...added }
})

describe("OSS signature V1 vectors (§3.1)", () => {
  const date = "Wed, 28 Dec 2022 10:27:41 GMT"
  const nelson: OssRequest = {
    method: "PUT",
    bucket: "examplebucket",
    key: "nelson",
    query: {},
    headers: {
      "content-md5": "eB5eJF1ptWaXm4bijSPyxw==",
      "content-type": "text/html",
      "x-oss-meta-author": "alice",
      "x-oss-meta-magic": "abracadabra",
      "x-oss-date": date
    },
    date: Date.parse(date)
  }
  const bucketOnly = (query: Record<string, string>): OssRequest => ({
    method: "GET",
    bucket: "examplebucket",
    query,
    headers: { "x-oss-date": date },
    date: new Date(date)
  })
  const headerCases: ReadonlyArray<[string, OssRequest, V1.V1Options, string, string]> = [
    [
      "case 1: PUT object",
      nelson,
      {},
      `PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\n${date}\nx-oss-date:${date}\nx-oss-meta-author:alice\nx-oss-meta-magic:abracadabra\n/examplebucket/nelson`,
      "OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M="
    ],
    [
      "case 2: ?acl",
      { ...nelson, query: { acl: "" } },
      {},
      `PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\n${date}\nx-oss-date:${date}\nx-oss-meta-author:alice\nx-oss-meta-magic:abracadabra\n/examplebucket/nelson?acl`,
      "OSS ak:/afkugFbmWDQ967j1vr6zygBLQk="
    ],
    [
      "case 3: extra sub-resource resourceGroup, unsigned non-resousce",
      bucketOnly({ resourceGroup: "", "non-resousce": "null" }),
      { additionalSubResources: ["resourceGroup"] },
      `GET\n\n\n${date}\nx-oss-date:${date}\n/examplebucket/?resourceGroup`,
      "OSS ak:vkQmfuUDyi1uDi3bKt67oemssIs="
    ],
    [
      "case 4: ?resourceGroup&acl sorted",
      bucketOnly({ resourceGroup: "", acl: "" }),
      { additionalSubResources: ["resourceGroup"] },
      `GET\n\n\n${date}\nx-oss-date:${date}\n/examplebucket/?acl&resourceGroup`,
      "OSS ak:x3E5TgOvl/i7PN618s5mEvpJDYk="
    ]
  ]
  for (const [name, request, options, stringToSign, authorization] of headerCases) {
    it.effect(name, () =>
      Effect.gen(function* () {
        for (const dateHeader of ["x-oss-date", "date"] as const) {
          const added = yield* V1.sign(request, creds, { ...options, dateHeader })
          assert.strictEqual(added.authorization, authorization, dateHeader)
        }
        const added = yield* V1.sign(request, creds, options)
        assert.deepStrictEqual(added, { "x-oss-date": date, authorization })
        const signed = received(request, added)
        assert.strictEqual(V1.stringToSign(signed, date, options.additionalSubResources), stringToSign)
        yield* V1.verify(signed, known, options)
        // The server reports the string-to-sign it computed, never the secret.
        const mismatch = yield* Effect.flip(V1.verify(signed, wrongSecret, options))
        assert.instanceOf(mismatch, SignatureMismatch)
        assert.strictEqual(mismatch._tag === "SignatureMismatch" && mismatch.stringToSign, stringToSign)
      })
    )
  }

  it.effect("presigned URLs (TestV1AuthQuery), STS token as signed security-token sub-resource", () =>
    Effect.gen(function* () {
      const plain: OssRequest = {
        method: "GET",
        bucket: "bucket",
        key: "key",
        query: { versionId: "versionId" },
        headers: {},
        date: (1699807420 - 900) * 1000
      }
      assert.strictEqual(V1.stringToSign(plain, "1699807420"), "GET\n\n\n1699807420\n/bucket/key?versionId=versionId")
      assert.deepStrictEqual(yield* V1.presign(plain, creds, { expiresInSeconds: 900 }), {
        OSSAccessKeyId: "ak",
        Expires: "1699807420",
        Signature: "dcLTea+Yh9ApirQ8o8dOPqtvJXQ="
      })
      const sts: OssRequest = { ...plain, key: "key+123", date: 1699808204 * 1000 - 60_000 }
      const withToken = { ...sts, query: { ...sts.query, "security-token": "token" } }
      assert.strictEqual(
        V1.stringToSign(withToken, "1699808204"),
        "GET\n\n\n1699808204\n/bucket/key+123?security-token=token&versionId=versionId"
      )
      assert.deepStrictEqual(yield* V1.presign(sts, stsCreds, { expiresInSeconds: 60 }), {
        "security-token": "token",
        OSSAccessKeyId: "ak",
        Expires: "1699808204",
        Signature: "jzKYRrM5y6Br0dRFPaTGOsbrDhY="
      })
    })
  )

  const mpDate = "Sat, 16 Dec 2023 16:20:57 GMT"
  const uploadId = "0004B9895DBBB6EC9"
  type Row = [string, string, Record<string, string>, Record<string, string>, string, string]
  const multipart: ReadonlyArray<Row> = [
    [
      "Initiate",
      "POST",
      { uploads: "" },
      { "content-type": "application/octet-stream" },
      `POST\n\napplication/octet-stream\n${mpDate}\n/examplebucket/multipart.data?uploads`,
      "2eYaNFqniXghCsklHDlBcUJGbT0="
    ],
    [
      "UploadPart",
      "PUT",
      { partNumber: "1", uploadId },
      { "content-md5": "vOjz1IJHxdVVu1aXvyd7NQ==" },
      `PUT\nvOjz1IJHxdVVu1aXvyd7NQ==\n\n${mpDate}\n/examplebucket/multipart.data?partNumber=1&uploadId=${uploadId}`,
      "YnXpErzt8hwtuPXlOfvsHMxToL0="
    ],
    [
      "Complete (complete-all)",
      "POST",
      { uploadId },
      { "x-oss-complete-all": "yes" },
      `POST\n\n\n${mpDate}\nx-oss-complete-all:yes\n/examplebucket/multipart.data?uploadId=${uploadId}`,
      "uWdMPH1A4gl0z1FDIZ6YDjaUBDQ="
    ],
    [
      "ListParts (max-parts, marker unsigned)",
      "GET",
      { "max-parts": "2", "part-number-marker": "1", uploadId },
      {},
      `GET\n\n\n${mpDate}\n/examplebucket/multipart.data?uploadId=${uploadId}`,
      "mW09jo3nBCF8Sdy4XOa+Yqol+sg="
    ],
    [
      "Abort",
      "DELETE",
      { uploadId },
      {},
      `DELETE\n\n\n${mpDate}\n/examplebucket/multipart.data?uploadId=${uploadId}`,
      "7YkaTZCFiEil67IDLDJUyYJl3M4="
    ],
    [
      "ListMultipartUploads (bucket level)",
      "GET",
      { "key-marker": "a", "max-uploads": "10", prefix: "p/", uploads: "" },
      {},
      `GET\n\n\n${mpDate}\n/examplebucket/?uploads`,
      "UCubrUHsY35rjDPFNZoTXfcqk6M="
    ]
  ]
  for (const [name, method, query, headers, stringToSign, signature] of multipart) {
    it.effect(`multipart: ${name}`, () =>
      Effect.gen(function* () {
        const bucketLevel = name.startsWith("ListMultipartUploads")
        const base = { method, bucket: "examplebucket", query, headers, date: Date.parse(mpDate) }
        const request: OssRequest = bucketLevel ? base : { ...base, key: "multipart.data" }
        const added = yield* V1.sign(request, creds, { dateHeader: "date" })
        assert.deepStrictEqual(added, { date: mpDate, authorization: `OSS ak:${signature}` })
        assert.strictEqual(V1.stringToSign(received(request, added), mpDate), stringToSign)
        yield* V1.verify(received(request, added), known)
      })
    )
  }
})

describe("OSS signature V4 vectors (§3.2)", () => {
  // Go `url.Values{…}.Encode()` of the GOv2 tests, decoded.
  const query = { param1: "value1", "+param1": "value3", "|param1": "value4", "+param2": "", "|param2": "", param2: "" }
  const base = (contentType: string, date: number): OssRequest => ({
    method: "PUT",
    bucket: "bucket",
    key: "1234+-/123/1.txt",
    query,
    // Mixed-case names as in the Go tests: the signer lowercases them.
    headers: { "x-oss-head1": "value", abc: "value", ZAbc: "value", XYZ: "value", "content-type": contentType },
    date
  })
  const headerRequest = (epochSeconds: number): OssRequest => {
    const request = base("text/plain", epochSeconds * 1000)
    return { ...request, headers: { ...request.headers, "x-oss-content-sha256": "UNSIGNED-PAYLOAD" } }
  }
  const hangzhou = { region: "cn-hangzhou" } as const

  it.effect("case 1: canonical request, string-to-sign and Authorization", () =>
    Effect.gen(function* () {
      const request = headerRequest(1702743657)
      const added = yield* V4.sign(request, creds, hangzhou)
      assert.deepStrictEqual(added, {
        "x-oss-date": "20231216T162057Z",
        "x-oss-content-sha256": "UNSIGNED-PAYLOAD",
        authorization:
          "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe"
      })
      const canonicalRequest = [
        "PUT",
        "/bucket/1234%2B-/123/1.txt",
        "%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2",
        "content-type:text/plain",
        "x-oss-content-sha256:UNSIGNED-PAYLOAD",
        "x-oss-date:20231216T162057Z",
        "x-oss-head1:value",
        "",
        "",
        "UNSIGNED-PAYLOAD"
      ].join("\n")
      const stringToSign =
        "OSS4-HMAC-SHA256\n20231216T162057Z\n20231216/cn-hangzhou/oss/aliyun_v4_request\nf4613657f1b108998e8dbd10a1aa5da621dc2c6e02c9ddec0f163664848704c4"
      const signed = received(request, added)
      assert.strictEqual(V4.canonicalRequest(signed, []), canonicalRequest)
      const scope = V4.scope("20231216T162057Z", "cn-hangzhou", "oss")
      assert.strictEqual(yield* V4.stringToSign("20231216T162057Z", scope, canonicalRequest), stringToSign)
      yield* V4.verify(signed, known, hangzhou)
      const mismatch = yield* Effect.flip(V4.verify(signed, wrongSecret, hangzhou))
      assert.deepInclude(mismatch, { _tag: "SignatureMismatch", stringToSign, canonicalRequest })
      // `oss-cn-hangzhou` is normalised to the standard region id.
      assert.strictEqual(
        (yield* V4.sign(request, creds, { region: "oss-cn-hangzhou" })).authorization,
        added.authorization
      )
    })
  )

  it.effect("case 2: CloudBox product and region", () =>
    Effect.gen(function* () {
      const options = { region: "cb-123", product: "oss-cloudbox" }
      const added = yield* V4.sign(headerRequest(1702743657), creds, options)
      assert.strictEqual(
        added.authorization,
        "OSS4-HMAC-SHA256 Credential=ak/20231216/cb-123/oss-cloudbox/aliyun_v4_request,Signature=94ce1f12c17d148ea681030275a94449d3357f5b5b21133996eec80af3e08a43"
      )
      yield* V4.verify(received(headerRequest(1702743657), added), known, options)
    })
  )

  it.effect("case 3: STS token is added as x-oss-security-token and signed", () =>
    Effect.gen(function* () {
      const request = headerRequest(1702784856)
      const added = yield* V4.sign(request, stsCreds, hangzhou)
      assert.strictEqual(added["x-oss-security-token"], "token")
      assert.strictEqual(
        added.authorization,
        "OSS4-HMAC-SHA256 Credential=ak/20231217/cn-hangzhou/oss/aliyun_v4_request,Signature=b94a3f999cf85bcdc00d332fbd3734ba03e48382c36fa4d5af5df817395bd9ea"
      )
      assert.include(V4.canonicalRequest(received(request, added), []), "\nx-oss-security-token:token\n")
      const tampered = received(request, { ...added, "x-oss-security-token": "other" })
      assert.strictEqual((yield* Effect.flip(V4.verify(tampered, known, hangzhou)))._tag, "SignatureMismatch")
    })
  )

  it.effect("case 4: additional headers, normalised to abc;zabc", () =>
    Effect.gen(function* () {
      const request = headerRequest(1702747512)
      const expected =
        "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=abc;zabc,Signature=4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f"
      for (const additionalHeaders of [
        ["ZAbc", "abc"],
        ["x-oss-no-exist", "ZAbc", "x-oss-head1", "abc"]
      ]) {
        const added = yield* V4.sign(request, creds, { ...hangzhou, additionalHeaders })
        assert.strictEqual(added.authorization, expected)
        const canonical = V4.canonicalRequest(received(request, added), ["abc", "zabc"]).split("\n")
        assert.deepStrictEqual(canonical.slice(3, 11), [
          "abc:value",
          "content-type:text/plain",
          "x-oss-content-sha256:UNSIGNED-PAYLOAD",
          "x-oss-date:20231216T172512Z",
          "x-oss-head1:value",
          "zabc:value",
          "",
          "abc;zabc"
        ])
        yield* V4.verify(received(request, added), known, hangzhou)
        // zabc is signed now, xyz is not.
        const changed = (name: string) => received(request, { ...added, [name]: "other" })
        assert.strictEqual((yield* Effect.flip(V4.verify(changed("ZAbc"), known, hangzhou)))._tag, "SignatureMismatch")
        yield* V4.verify(changed("XYZ"), known, hangzhou)
      }
    })
  )

  type PresignRow = [string, number, boolean, boolean, string, string]
  const presignRows: ReadonlyArray<PresignRow> = [
    [
      "basic",
      1702781677,
      false,
      false,
      "cn-hangzhou",
      "a39966c61718be0d5b14e668088b3fa07601033f6518ac7b523100014269c0fe"
    ],
    ["STS", 1702785388, true, false, "cn-hangzhou", "3817ac9d206cd6dfc90f1c09c00be45005602e55898f26f5ddb06d7892e1f8b5"],
    [
      "additional headers",
      1702783809,
      false,
      true,
      "cn-hangzhou",
      "6bd984bfe531afb6db1f7550983a741b103a8c58e5e14f83ea474c2322dfa2b7"
    ],
    ["CloudBox", 1702781677, false, true, "cb-123", "07284191b9b4978ac3520cd39ee2dea2747eda454089359371ff463a6c7ba20f"],
    ["CloudBox", 1702783809, false, true, "cb-123", "16782cc8a7a554523db055eb804b508522e7e370073108ad88ee2f47496701dd"]
  ]
  for (const [name, signSeconds, sts, additional, region, signature] of presignRows) {
    it.effect(`presign ${name} @${signSeconds}`, () =>
      Effect.gen(function* () {
        const product = region === "cb-123" ? "oss-cloudbox" : "oss"
        const additionalHeaders = additional ? ["x-oss-no-exist", "abc", "x-oss-head1", "ZAbc"] : []
        const options = { region, product, additionalHeaders, expiresInSeconds: 599 }
        const request = base("application/octet-stream", signSeconds * 1000)
        const added = yield* V4.presign(request, sts ? stsCreds : creds, options)
        const datetime = new Date(signSeconds * 1000)
          .toISOString()
          .replace(/\.000Z$/, "Z")
          .replace(/[-:]/g, "")
        assert.deepStrictEqual(added, {
          ...(sts ? { "x-oss-security-token": "token" } : {}),
          "x-oss-signature-version": "OSS4-HMAC-SHA256",
          "x-oss-date": datetime,
          "x-oss-expires": "599",
          "x-oss-credential": `ak/${datetime.slice(0, 8)}/${region}/${product}/aliyun_v4_request`,
          ...(additional ? { "x-oss-additional-headers": "abc;zabc" } : {}),
          "x-oss-signature": signature
        })
        if (name === "basic") {
          const { "x-oss-signature": _, ...signedQuery } = added
          assert.strictEqual(
            V4.canonicalQuery({ ...query, ...signedQuery }),
            "%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2&x-oss-credential=ak%2F20231217%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=20231217T025437Z&x-oss-expires=599&x-oss-signature-version=OSS4-HMAC-SHA256"
          )
        }
      })
    )
  }

  const uploadId = "0004B9895DBBB6EC9"
  type Row = [string, string, Record<string, string>, Record<string, string>, string, string]
  const multipart: ReadonlyArray<Row> = [
    [
      "Initiate",
      "POST",
      { uploads: "" },
      { "content-type": "application/octet-stream" },
      "uploads",
      "05dd0c400168b4111ac08d71d9352650347883956dfd27a047bba9793a2d5d6d"
    ],
    [
      "UploadPart",
      "PUT",
      { partNumber: "1", uploadId },
      { "content-md5": "vOjz1IJHxdVVu1aXvyd7NQ==" },
      `partNumber=1&uploadId=${uploadId}`,
      "af0127ef62a145794109691539b875a0abb4f2aad9998201f4c4ca5c68810ab4"
    ],
    [
      "Complete-all",
      "POST",
      { uploadId },
      { "x-oss-complete-all": "yes" },
      `uploadId=${uploadId}`,
      "d8bb81d5f468176a6cf2f57d6d098f21d7bfc38c7e4bf95698c3e240b518feac"
    ],
    [
      "ListParts (every parameter signed)",
      "GET",
      { "max-parts": "2", "part-number-marker": "1", uploadId },
      {},
      `max-parts=2&part-number-marker=1&uploadId=${uploadId}`,
      "91b8f9a220c5db2170dc5ff76ede570f44ea8caaf8b88e6f357f74caa937d32d"
    ],
    [
      "Abort",
      "DELETE",
      { uploadId },
      {},
      `uploadId=${uploadId}`,
      "50534825451d908ab8c621659eaad2f4a1daa56051bd28692c496af02c6f00a5"
    ],
    [
      "ListMultipartUploads (URI /examplebucket/)",
      "GET",
      { "key-marker": "a", "max-uploads": "10", prefix: "p/", uploads: "" },
      {},
      "key-marker=a&max-uploads=10&prefix=p%2F&uploads",
      "e948b061751bec0d49b24c2b4c7a1ce03415daab03112ee0e8a67dd70fe12f0f"
    ]
  ]
  for (const [name, method, q, headers, canonicalQuery, signature] of multipart) {
    it.effect(`multipart: ${name}`, () =>
      Effect.gen(function* () {
        const bucketLevel = name.startsWith("ListMultipartUploads")
        const fields = { method, bucket: "examplebucket", query: q, headers, date: 1702743657 * 1000 }
        const request: OssRequest = bucketLevel ? fields : { ...fields, key: "multipart.data" }
        const added = yield* V4.sign(request, creds, hangzhou)
        assert.strictEqual(
          added.authorization,
          `OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,Signature=${signature}`
        )
        const canonical = V4.canonicalRequest(received(request, added), [])
        assert.strictEqual(canonical.split("\n")[1], bucketLevel ? "/examplebucket/" : "/examplebucket/multipart.data")
        assert.strictEqual(canonical.split("\n")[2], canonicalQuery)
        if (name === "UploadPart") {
          assert.strictEqual(
            canonical,
            "PUT\n/examplebucket/multipart.data\npartNumber=1&uploadId=0004B9895DBBB6EC9\ncontent-md5:vOjz1IJHxdVVu1aXvyd7NQ==\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20231216T162057Z\n\n\nUNSIGNED-PAYLOAD"
          )
        }
        yield* V4.verify(received(request, added), known, hangzhou)
      })
    )
  }
})

describe("canonicalisation rules", () => {
  const at = Date.UTC(2024, 0, 2, 3, 4, 5)
  const request = (fields: Partial<OssRequest>): OssRequest => ({
    method: "GET",
    bucket: "b",
    key: "k",
    query: {},
    headers: {},
    date: at,
    ...fields
  })

  it("V1 signs only the listed sub-resources and x-oss-* params, in byte order, values decoded", () => {
    const query = {
      versions: "",
      versioning: "",
      versionId: "v 1/+",
      uploads: "",
      uploadId: "u",
      partNumber: "1",
      "response-content-disposition": "attachment; filename=a b.txt",
      "x-oss-process": "image/resize,w_10",
      "max-parts": "2",
      "encoding-type": "url",
      prefix: "p/"
    }
    assert.strictEqual(
      V1.canonicalizedResource(request({ query })),
      "/b/k?partNumber=1&response-content-disposition=attachment; filename=a b.txt&uploadId=u&uploads&versionId=v 1/+&versioning&versions&x-oss-process=image/resize,w_10"
    )
    assert.strictEqual(V1.canonicalizedResource(request({ key: "", query: { acl: "" } })), "/b/?acl")
    const { bucket: _b, key: _k, ...service } = request({})
    assert.strictEqual(V1.canonicalizedResource(service), "/")
  })

  it("V1 canonical headers: x-oss-* only, lowercased, trimmed, sorted", () => {
    const headers = {
      "X-OSS-Meta-B": "  two ",
      "x-oss-meta-a": "one",
      "Content-Type": "t",
      "x-oss-date": "d",
      host: "h"
    }
    assert.strictEqual(V1.canonicalizedOssHeaders(headers), "x-oss-date:d\nx-oss-meta-a:one\nx-oss-meta-b:two\n")
  })

  it("keys: raw in the V1 resource, RFC 3986 with '/' kept in the V4 URI (unicode, space, +, ~, %)", () => {
    const key = "文件 a+b~c/ü%2F.txt"
    assert.strictEqual(V1.canonicalizedResource(request({ key })), "/b/文件 a+b~c/ü%2F.txt")
    assert.strictEqual(V4.canonicalUri(request({ key })), "/b/%E6%96%87%E4%BB%B6%20a%2Bb~c/%C3%BC%252F.txt")
    assert.strictEqual(V4.canonicalUri(request({ key: "😀" })), "/b/%F0%9F%98%80")
  })

  it("V4 query: every parameter, key and value encoded, sorted by encoded key, bare key when empty", () => {
    const query = { "a b": "x+y", "~k": "é/", uploads: "", Z: "1", "max-parts": "2" }
    assert.strictEqual(V4.canonicalQuery(query), "Z=1&a%20b=x%2By&max-parts=2&uploads&~k=%C3%A9%2F")
  })

  it("sorting is by code point (UTF-8 byte order), not UTF-16 units", () => {
    const sorted = ["x-oss-😀", "x-oss-Ａ", "x-oss-a", "x-oss-B"].sort(compareCodePoints)
    assert.deepStrictEqual(sorted, ["x-oss-B", "x-oss-a", "x-oss-Ａ", "x-oss-😀"])
  })

  it.effect("a caller's stale timestamp header in another spelling is replaced, not joined", () =>
    Effect.gen(function* () {
      const stale = request({ headers: { "X-OSS-Date": "Mon, 01 Jan 2024 00:00:00 GMT", "content-type": "t" } })
      const fresh = request({ headers: { "content-type": "t" } })
      assert.deepStrictEqual(yield* V1.sign(stale, creds), yield* V1.sign(fresh, creds))
      const v4 = { region: "cn-hangzhou" }
      assert.deepStrictEqual(yield* V4.sign(stale, creds, v4), yield* V4.sign(fresh, creds, v4))
    })
  )

  it.effect("V1 STS: x-oss-security-token is added and signed", () =>
    Effect.gen(function* () {
      const r = request({ method: "PUT", query: { partNumber: "1", uploadId: "u" } })
      const added = yield* V1.sign(r, stsCreds)
      assert.strictEqual(added["x-oss-security-token"], "token")
      assert.strictEqual(
        V1.stringToSign(received(r, added), "Tue, 02 Jan 2024 03:04:05 GMT"),
        "PUT\n\n\nTue, 02 Jan 2024 03:04:05 GMT\nx-oss-date:Tue, 02 Jan 2024 03:04:05 GMT\nx-oss-security-token:token\n/b/k?partNumber=1&uploadId=u"
      )
      yield* V1.verify(received(r, added), known)
      const tampered = received(r, { ...added, "x-oss-security-token": "other" })
      assert.strictEqual((yield* Effect.flip(V1.verify(tampered, known)))._tag, "SignatureMismatch")
    })
  )

  it("timestamps: both formats parse for the skew check; garbage does not", () => {
    assert.strictEqual(parseOssDate("20231216T162057Z"), 1702743657000)
    assert.strictEqual(parseOssDate("Sat, 16 Dec 2023 16:20:57 GMT"), 1702743657000)
    assert.isUndefined(parseOssDate("20231332T162057Z"))
    assert.isUndefined(parseOssDate("yesterday"))
    assert.strictEqual(requestTimeMs(request({ headers: { "x-oss-date": "20231216T162057Z" } })), 1702743657000)
    assert.strictEqual(requestTimeMs(request({ headers: { Date: "Sat, 16 Dec 2023 16:20:57 GMT" } })), 1702743657000)
    assert.isUndefined(requestTimeMs(request({})))
  })
})

describe("verify errors and secrecy", () => {
  const r: OssRequest = { method: "GET", bucket: "b", key: "k", query: {}, headers: {}, date: 1702743657000 }
  const tags = <A, E extends { readonly _tag: string }>(effect: Effect.Effect<A, E>) =>
    Effect.map(Effect.flip(effect), (e) => e._tag)

  it.effect("malformed or missing authorization, unknown key, missing timestamp", () =>
    Effect.gen(function* () {
      assert.strictEqual(yield* tags(V1.verify(r, known)), "MalformedAuthorization")
      assert.strictEqual(yield* tags(V4.verify(r, known)), "MalformedAuthorization")
      const garbled = { ...r, headers: { authorization: "OSS ak", "x-oss-date": "20231216T162057Z" } }
      assert.strictEqual(yield* tags(V1.verify(garbled, known)), "MalformedAuthorization")
      assert.strictEqual(yield* tags(V4.verify(garbled, known)), "MalformedAuthorization")
      const v1 = received(r, yield* V1.sign(r, creds))
      const v4 = received(r, yield* V4.sign(r, creds, { region: "cn-hangzhou" }))
      const nobody = secrets({})
      assert.strictEqual(yield* tags(V1.verify(v1, nobody)), "UnknownAccessKey")
      assert.strictEqual(yield* tags(V4.verify(v4, nobody)), "UnknownAccessKey")
      const { "x-oss-date": _, ...undated } = v1.headers
      assert.strictEqual(yield* tags(V1.verify({ ...v1, headers: undated }, known)), "MalformedAuthorization")
      const rfcDated = received(v4, { "x-oss-date": "Sat, 16 Dec 2023 16:20:57 GMT" })
      assert.strictEqual(yield* tags(V4.verify(rfcDated, known)), "MalformedAuthorization")
      // A server in another region recomputes with its own scope.
      assert.strictEqual(yield* tags(V4.verify(v4, known, { region: "cn-beijing" })), "SignatureMismatch")
      assert.strictEqual(yield* tags(V4.verify(v4, known, { product: "oss-cloudbox" })), "SignatureMismatch")
      yield* V4.verify(v4, known, { region: "oss-cn-hangzhou", product: "oss" })
      // The lookup's own failure passes through.
      const failing: LookupSecret<string> = () => Effect.fail("store down")
      assert.strictEqual(yield* Effect.flip(V1.verify(v1, failing)), "store down")
    })
  )

  it.effect("secrets never print: credentials, errors", () =>
    Effect.gen(function* () {
      const secret = "TOP-SECRET-4711"
      const token = "STS-TOKEN-0815"
      const c = OssCredentials.make({ accessKeyId: "ak", accessKeySecret: secret, securityToken: token })
      for (const text of [String(c), JSON.stringify(c), inspect(c, { depth: 5 }), `${c.accessKeySecret}`]) {
        assert.notInclude(text, secret)
        assert.notInclude(text, token)
      }
      assert.include(JSON.stringify(c), "<redacted")
      assert.strictEqual(Redacted.value(c.accessKeySecret), secret)
      assert.isUndefined(
        OssCredentials.make({ accessKeyId: "ak", accessKeySecret: "s", securityToken: "" }).securityToken
      )
      const signed = received(r, yield* V4.sign(r, c, { region: "cn-hangzhou" }))
      const error = yield* Effect.flip(V4.verify(signed, secrets({ ak: "wrong" })))
      for (const text of [String(error), JSON.stringify(error), inspect(error), error.message]) {
        assert.notInclude(text, secret)
      }
    })
  )
})

describe("sign → verify round trip (fast-check)", () => {
  const params = { seed: 0x055516, numRuns: 150 } as const
  const methods = ["GET", "PUT", "POST", "DELETE", "HEAD"]
  const keyArb = fc
    .array(
      fc.oneof(
        fc.constantFrom(" ", "+", "~", "/", "%", "&", "=", "?", "文", "😀", "ü"),
        fc.string({ unit: "binary", maxLength: 3 })
      ),
      { maxLength: 8 }
    )
    .map((parts) => parts.join(""))
  const printable = fc.string({ unit: "grapheme-ascii", maxLength: 12 })
  const queryKey = fc.oneof(
    fc.constantFrom(
      "uploads",
      "uploadId",
      "partNumber",
      "acl",
      "versionId",
      "max-parts",
      "prefix",
      "encoding-type",
      "x-oss-process"
    ),
    fc.string({ unit: "binary", maxLength: 6 })
  )
  const requestArb = fc.record({
    method: fc.constantFrom(...methods),
    bucket: fc.stringMatching(/^[a-z0-9][a-z0-9-]{2,12}$/),
    key: keyArb,
    query: fc.dictionary(queryKey, fc.string({ unit: "binary", maxLength: 6 }), { maxKeys: 5 }),
    metas: fc.dictionary(fc.stringMatching(/^[a-z0-9-]{1,8}$/), printable, { maxKeys: 4 }),
    contentType: fc.option(printable, { nil: undefined }),
    contentMd5: fc.option(fc.base64String({ minLength: 24, maxLength: 24 }), { nil: undefined }),
    date: fc.integer({ min: 978_307_200, max: 3_786_912_000 }).map((seconds) => seconds * 1000)
  })
  const mutationArb = fc.record({
    kind: fc.constantFrom("method", "key", "signed header", "query", "date"),
    pick: fc.nat()
  })
  type Generated = typeof requestArb extends fc.Arbitrary<infer A> ? A : never
  const toRequest = (g: Generated): OssRequest => {
    const headers: Record<string, string> = { "user-agent": "test/1.0", host: `${g.bucket}.127.0.0.1` }
    for (const [name, value] of Object.entries(g.metas)) headers[`x-oss-meta-${name}`] = value
    if (g.contentType !== undefined) headers["content-type"] = g.contentType
    if (g.contentMd5 !== undefined) headers["content-md5"] = g.contentMd5
    return { method: g.method, bucket: g.bucket, key: g.key, query: g.query, headers, date: g.date }
  }

  interface Version {
    readonly name: string
    readonly sign: (r: OssRequest) => Effect.Effect<Record<string, string>>
    readonly verify: (r: OssReceivedRequest) => Effect.Effect<void, { readonly _tag: string }>
    readonly signedHeader: (name: string) => boolean
    readonly signedParam: (name: string) => boolean
    readonly dateHeader: string
    readonly formatDate: (ms: number) => string
  }
  const isoBasic = (ms: number) =>
    new Date(ms)
      .toISOString()
      .replace(/\.\d{3}Z$/, "Z")
      .replace(/[-:]/g, "")
  const v1Signed = (name: string) =>
    name.startsWith("x-oss-") || name === "content-type" || name === "content-md5" || name === "date"
  const versions: ReadonlyArray<Version> = [
    ...(["x-oss-date", "date"] as const).map((dateHeader) => ({
      name: `V1 (${dateHeader})`,
      sign: (r: OssRequest) => V1.sign(r, stsCreds, { dateHeader }),
      verify: (r: OssReceivedRequest) => V1.verify(r, known),
      signedHeader: v1Signed,
      signedParam: (name: string) => V1.signedSubResources.has(name) || name.startsWith("x-oss-"),
      dateHeader,
      formatDate: (ms: number) => new Date(ms).toUTCString()
    })),
    {
      name: "V4 (AdditionalHeaders=host)",
      sign: (r) => V4.sign(r, stsCreds, { region: "cn-hangzhou", additionalHeaders: ["host"] }),
      verify: (r) => V4.verify(r, known, { region: "cn-hangzhou" }),
      signedHeader: (name) => v1Signed(name) || name === "host",
      signedParam: () => true,
      dateHeader: "x-oss-date",
      formatDate: isoBasic
    }
  ]

  const mutate = (v: Version, r: OssReceivedRequest, kind: string, pick: number, date: number): OssReceivedRequest => {
    switch (kind) {
      case "method":
        return { ...r, method: methods[(methods.indexOf(r.method) + 1 + (pick % 4)) % methods.length] ?? "PATCH" }
      case "key":
        return { ...r, key: `${r.key ?? ""}${pick % 2 === 0 ? "x" : " "}` }
      case "signed header": {
        const names = Object.keys(r.headers).filter((n) => v.signedHeader(n) && n !== v.dateHeader)
        const name = names[pick % names.length] ?? "x-oss-meta-new"
        return { ...r, headers: { ...r.headers, [name]: `${r.headers[name] ?? ""}z` } }
      }
      case "query": {
        const names = Object.keys(r.query).filter(v.signedParam)
        const name = names[pick % names.length]
        return { ...r, query: { ...r.query, ...(name === undefined ? { acl: "" } : { [name]: `${r.query[name]}1` }) } }
      }
      default:
        return { ...r, headers: { ...r.headers, [v.dateHeader]: v.formatDate(date + 1000 * (1 + (pick % 3600))) } }
    }
  }

  for (const v of versions) {
    it.effect(`${v.name}: verify accepts what sign produced, rejects any change to a signed part`, () =>
      Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(requestArb, mutationArb, async (g, { kind, pick }) => {
            const request = toRequest(g)
            const signed = received(request, await Effect.runPromise(v.sign(request)))
            await Effect.runPromise(v.verify(signed))
            // Unsigned parts may change: user-agent always; for V1 also a non-sub-resource parameter.
            const loose = received(signed, { "user-agent": "proxy/2" })
            await Effect.runPromise(
              v.verify(v.signedParam("max-parts") ? loose : { ...loose, query: { ...loose.query, "max-parts": "9" } })
            )
            const error = await Effect.runPromise(Effect.flip(v.verify(mutate(v, signed, kind, pick, g.date))))
            assert.strictEqual(error._tag, "SignatureMismatch", kind)
          }),
          params
        )
      )
    )
  }
})
