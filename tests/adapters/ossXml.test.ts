/**
 * The OSS XML dialect: every example body of /work/shared/docs/protocol.md §1 decodes to the documented values,
 * S3's namespaced variants decode too, server builders round-trip through the client decoders for random pages,
 * malformed input gives typed errors (never a throw or a defect), and error responses map to ObjectStoreError.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Result from "effect/Result"
import fc from "fast-check"
import * as Complete from "../../adapters/http/CompleteXml.ts"
import * as XmlError from "../../adapters/http/XmlErrorBody.ts"
import * as Parse from "../../adapters/http/XmlParse.ts"
import { escapeXmlText } from "../../adapters/http/XmlText.ts"
import { errorBodyOf, toObjectStoreError } from "../../adapters/oss/OssErrorMapping.ts"
import * as Build from "../../adapters/oss/OssXmlBuild.ts"
import { buildErrorBody } from "../../adapters/oss/OssXmlError.ts"
import { isNoSuchUpload } from "../../core/ports/ObjectStore.ts"

const params = { seed: 0x055a1, numRuns: 150 } as const

/** Base64 of the UTF-8 bytes, as OSS fills `x-oss-err`. */
const base64 = (text: string): string => btoa(String.fromCharCode(...new TextEncoder().encode(text)))

/** The typed failure of a server-side parse that must fail. */
const malformedXml = (text: string): Complete.MalformedXml => {
  const result = Complete.parseCompleteBody(text)
  if (Result.isSuccess(result)) return assert.fail("parseCompleteBody should have failed")
  assert.strictEqual(result.failure._tag, "MalformedXml")
  return result.failure
}

/** Runs a decoder and asserts it ended in a success or a MalformedResponse, never a defect. */
const settlesTyped = <A>(effect: Effect.Effect<A, Parse.MalformedResponse>): void => {
  const exit = Effect.runSyncExit(effect)
  if (Exit.isSuccess(exit)) return
  const failure = exit.cause.reasons.find(Cause.isFailReason)
  if (failure === undefined) assert.fail(`decoder died: ${Cause.pretty(exit.cause)}`)
  else assert.strictEqual(failure.error._tag, "MalformedResponse")
}

// ── protocol.md §1 examples ─────────────────────────────────────────────────────────────────────────────────────

const ossInitiate = `<?xml version="1.0" encoding="UTF-8"?>
<InitiateMultipartUploadResult>
  <EncodingType>url</EncodingType>
  <Bucket>oss-example</Bucket>
  <Key>multipart.data</Key>
  <UploadId>0004B9894A22E5B1888A1E29F823****</UploadId>
</InitiateMultipartUploadResult>`

const s3Initiate = `<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>examplebucket</Bucket><Key>example.txt</Key><UploadId>VXBsb2Fk…</UploadId>
</InitiateMultipartUploadResult>`

const ossListParts = `<?xml version="1.0" encoding="UTF-8"?>
<ListPartsResult>
  <EncodingType>url</EncodingType>
  <Bucket>bucket</Bucket>
  <Key>demo%2Fgp-%0C%0A%0B</Key>
  <UploadId>D4E111D4EA834F3ABCE4877B2779****</UploadId>
  <StorageClass>Standard</StorageClass>
  <PartNumberMarker>0</PartNumberMarker>
  <NextPartNumberMarker>1</NextPartNumberMarker>
  <MaxParts>1000</MaxParts>
  <IsTruncated>false</IsTruncated>
  <Part>
    <PartNumber>1</PartNumber>
    <LastModified>2023-11-22T05:42:34.000Z</LastModified>
    <ETag>"CF3F46D505093571E916FCDD4967****"</ETag>
    <HashCrc64ecma>12066172435287683848</HashCrc64ecma>
    <Size>96316</Size>
  </Part>
</ListPartsResult>`

const s3ListParts = `<?xml version="1.0" encoding="UTF-8"?>
<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>b</Bucket><Key>k</Key><UploadId>u</UploadId>
<PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>2</NextPartNumberMarker><MaxParts>2</MaxParts>
<IsTruncated>true</IsTruncated><Part><PartNumber>1</PartNumber><LastModified>2024-01-01T00:00:00.000Z</LastModified>
<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>5242880</Size><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part>
<Part><Size>5242880</Size><ETag>"a1"</ETag><PartNumber>2</PartNumber></Part>
<Initiator><ID>x</ID><DisplayName>y</DisplayName></Initiator><Owner><ID>x</ID></Owner><StorageClass>STANDARD</StorageClass>
</ListPartsResult>`

const ossListUploads = `<ListMultipartUploadsResult>
  <EncodingType>url</EncodingType>
  <Bucket>oss-example</Bucket>
  <KeyMarker></KeyMarker>
  <UploadIdMarker></UploadIdMarker>
  <NextKeyMarker>oss.avi</NextKeyMarker>
  <NextUploadIdMarker>89F0105AA66942638E35300618DF****</NextUploadIdMarker>
  <Delimiter>/</Delimiter>
  <Prefix>pre</Prefix>
  <MaxUploads>1000</MaxUploads>
  <IsTruncated>false</IsTruncated>
  <Upload>
    <Key>demo%2Fgp-%0C%0A%0B</Key>
    <UploadId>0214A87687F040F1BA4D83AB17C9****</UploadId>
    <StorageClass>Standard</StorageClass>
    <Initiated>2023-11-22T05:45:57.000Z</Initiated>
  </Upload>
</ListMultipartUploadsResult>`

const ossComplete = `<?xml version="1.0" encoding="UTF-8"?>
<CompleteMultipartUploadResult>
  <EncodingType>url</EncodingType>
  <Location>http://oss-example.oss-cn-hangzhou.aliyuncs.com/multipart.data</Location>
  <Bucket>oss-example</Bucket>
  <Key>demo%2Fmultipart.data</Key>
  <ETag>"097DE458AD02B5F89F9D0530231876****"</ETag>
</CompleteMultipartUploadResult>`

const ossNoSuchBucket = `<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>NoSuchBucket</Code>
  <Message>The specified bucket does not exist.</Message>
  <RequestId>5C3D9175B6FC201293AD****</RequestId>
  <HostId>test.oss-cn-hangzhou.aliyuncs.com</HostId>
  <BucketName>test</BucketName>            <!-- operation-specific extras -->
  <EC>0015-00000101</EC>                   <!-- OSS "error condition" code -->
  <RecommendDoc>https://api.aliyun.com/troubleshoot?q=0015-00000101</RecommendDoc>
</Error>`

const ossNoSuchUpload = `<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.</Message><RequestId>5C3D9175B6FC201293AD0001</RequestId><HostId>bucket.oss-cn-hangzhou.aliyuncs.com</HostId><UploadId>00358B75E5C546AF822369CE04A48A14</UploadId></Error>`

const ossCallbackFailed = `<Error><Code>CallbackFailed</Code><Message>Error status : 301.</Message><RequestId>…</RequestId><HostId>bucket.oss-cn-hangzhou.aliyuncs.com</HostId><EC>0007-00000203</EC><RecommendDoc>https://api.aliyun.com/troubleshoot?q=0007-00000203</RecommendDoc></Error>`

const gov2CompleteBody = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&#34;8EFDA8BE206636A695359836FE0A****&#34;</ETag></Part><Part><PartNumber>2</PartNumber><ETag>&#34;8C315065167132444177411FDA14****&#34;</ETag></Part></CompleteMultipartUpload>`

const aliOssCompleteBody = `<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUpload>\n<Part>\n<PartNumber>1</PartNumber>\n<ETag>"8EFDA8BE206636A695359836FE0A****"</ETag>\n</Part>\n<Part>\n<PartNumber>3</PartNumber>\n<ETag>"8C315065167132444177411FDA14****"</ETag>\n</Part>\n</CompleteMultipartUpload>`

const s3CompleteBody = `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part><ETag>"a54357aff0632cce46d942af68356b38"</ETag><PartNumber>1</PartNumber><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part></CompleteMultipartUpload>`

describe("OSS XML: protocol.md §1 examples", () => {
  it.effect("InitiateMultipartUploadResult, OSS and S3 (namespaced)", () =>
    Effect.gen(function* () {
      assert.strictEqual(yield* Parse.decodeInitiateResult(ossInitiate), "0004B9894A22E5B1888A1E29F823****")
      assert.strictEqual(yield* Parse.decodeInitiateResult(s3Initiate), "VXBsb2Fk…")
    })
  )

  it.effect("ListPartsResult: a single <Part> is a list of one, numbers are numbers, the CRC-64 is exact", () =>
    Effect.gen(function* () {
      const page = yield* Parse.decodeListPartsResult(ossListParts)
      assert.deepStrictEqual(page, {
        parts: [
          { partNumber: 1, sizeBytes: 96316, etag: '"CF3F46D505093571E916FCDD4967****"', crc64: 12066172435287683848n }
        ],
        isTruncated: false,
        nextPartNumberMarker: 1
      })
      const [part] = page.parts
      assert.strictEqual(typeof part?.partNumber, "number")
      assert.strictEqual(typeof part?.sizeBytes, "number")
      assert.strictEqual(part?.crc64?.toString(), "12066172435287683848")
      // through a double (what a number-parsing XML setup would do) the value changes
      assert.notStrictEqual(BigInt(Number(part?.crc64)), part?.crc64)
    })
  )

  it.effect("ListPartsResult, S3: namespace, any child order, extra elements, no CRC", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* Parse.decodeListPartsResult(s3ListParts), {
        parts: [
          { partNumber: 1, sizeBytes: 5242880, etag: '"9b2cf535f27731c974343645a3985328"' },
          { partNumber: 2, sizeBytes: 5242880, etag: '"a1"' }
        ],
        isTruncated: true,
        nextPartNumberMarker: 2
      })
    })
  )

  it.effect("ListMultipartUploadsResult: URL-encoded key decoded, Initiated in epoch ms, single <Upload> a list", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* Parse.decodeListUploadsResult(ossListUploads), {
        uploads: [
          {
            key: "demo/gp-\f\n\v",
            uploadId: "0214A87687F040F1BA4D83AB17C9****",
            initiatedAtMs: Date.UTC(2023, 10, 22, 5, 45, 57)
          }
        ],
        isTruncated: false,
        nextKeyMarker: "oss.avi",
        nextUploadIdMarker: "89F0105AA66942638E35300618DF****"
      })
    })
  )

  it.effect("ListMultipartUploadsResult, S3: namespace, escaped key, empty markers are absent", () =>
    Effect.gen(function* () {
      const text = `<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>b</Bucket>
<KeyMarker/><UploadIdMarker/><NextKeyMarker></NextKeyMarker><NextUploadIdMarker></NextUploadIdMarker><MaxUploads>1000</MaxUploads>
<IsTruncated>false</IsTruncated><Upload><Initiated>2024-02-03T04:05:06.789Z</Initiated><Key>a&amp;b &lt;c&gt;</Key>
<UploadId>x1</UploadId></Upload><Upload><UploadId>x2</UploadId><Key>é/😀</Key><Initiated>2024-02-03T04:05:07Z</Initiated>
</Upload><CommonPrefixes><Prefix>p/</Prefix></CommonPrefixes></ListMultipartUploadsResult>`
      assert.deepStrictEqual(yield* Parse.decodeListUploadsResult(text), {
        uploads: [
          { key: "a&b <c>", uploadId: "x1", initiatedAtMs: Date.UTC(2024, 1, 3, 4, 5, 6, 789) },
          { key: "é/😀", uploadId: "x2", initiatedAtMs: Date.UTC(2024, 1, 3, 4, 5, 7) }
        ],
        isTruncated: false
      })
    })
  )

  it.effect("CompleteMultipartUploadResult: ETag as sent, key URL-decoded", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* Parse.decodeCompleteResult(ossComplete), {
        etag: '"097DE458AD02B5F89F9D0530231876****"',
        bucket: "oss-example",
        key: "demo/multipart.data",
        location: "http://oss-example.oss-cn-hangzhou.aliyuncs.com/multipart.data"
      })
      const s3 = `<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Location>https://b.s3/k</Location><Bucket>b</Bucket><Key>k</Key><ETag>&quot;3858f62230ac3c915f300c664312c11f-9&quot;</ETag></CompleteMultipartUploadResult>`
      assert.strictEqual((yield* Parse.decodeCompleteResult(s3)).etag, '"3858f62230ac3c915f300c664312c11f-9"')
    })
  )

  it.effect("S3's 200 OK whose body is an <Error> is a WrongRoot naming the root", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Parse.decodeCompleteResult(ossNoSuchUpload))
      assert.strictEqual(error.reason, "WrongRoot")
      assert.strictEqual(error.root, "Error")
      assert.strictEqual(error.operation, "CompleteMultipartUpload")
    })
  )

  it.effect("<Error> bodies: envelope fields, EC, extras as a record", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* XmlError.decodeErrorBody("ListMultipartUploads", ossNoSuchBucket), {
        code: "NoSuchBucket",
        message: "The specified bucket does not exist.",
        requestId: "5C3D9175B6FC201293AD****",
        hostId: "test.oss-cn-hangzhou.aliyuncs.com",
        ec: "0015-00000101",
        extras: { BucketName: "test", RecommendDoc: "https://api.aliyun.com/troubleshoot?q=0015-00000101" }
      })
      const noSuchUpload = yield* XmlError.decodeErrorBody("UploadPart", ossNoSuchUpload)
      assert.strictEqual(noSuchUpload.code, "NoSuchUpload")
      assert.deepStrictEqual(noSuchUpload.extras, { UploadId: "00358B75E5C546AF822369CE04A48A14" })
      const callback = yield* XmlError.decodeErrorBody("CompleteMultipartUpload", ossCallbackFailed)
      assert.strictEqual(callback.code, "CallbackFailed")
      assert.strictEqual(callback.ec, "0007-00000203")
      assert.strictEqual(callback.message, "Error status : 301.")
    })
  )

  it.effect("CompleteMultipartUpload request bodies as GOv2 (&#34;), ali-oss and S3 send them", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* Complete.decodeCompleteBody(gov2CompleteBody), [
        { partNumber: 1, etag: '"8EFDA8BE206636A695359836FE0A****"' },
        { partNumber: 2, etag: '"8C315065167132444177411FDA14****"' }
      ])
      assert.deepStrictEqual(yield* Complete.decodeCompleteBody(aliOssCompleteBody), [
        { partNumber: 1, etag: '"8EFDA8BE206636A695359836FE0A****"' },
        { partNumber: 3, etag: '"8C315065167132444177411FDA14****"' }
      ])
      assert.deepStrictEqual(yield* Complete.decodeCompleteBody(s3CompleteBody), [
        { partNumber: 1, etag: '"a54357aff0632cce46d942af68356b38"' }
      ])
    })
  )
})

describe("OSS XML: decoding details", () => {
  it.effect("entities decode once (&amp;lt; stays &lt;), numeric references and CDATA", () =>
    Effect.gen(function* () {
      const text = `<InitiateMultipartUploadResult><UploadId>&amp;lt;&#x41;&#66;&apos;&quot;<![CDATA[<&amp;>]]></UploadId></InitiateMultipartUploadResult>`
      assert.strictEqual(yield* Parse.decodeInitiateResult(text), `&lt;AB'"<&amp;>`)
    })
  )

  it.effect("EncodingType=url uses query-unescape rules (+ is a space) and is case-insensitive", () =>
    Effect.gen(function* () {
      const page = (key: string, encoding: string) =>
        `<ListMultipartUploadsResult><EncodingType>${encoding}</EncodingType><IsTruncated>true</IsTruncated><NextKeyMarker>${key}</NextKeyMarker><NextUploadIdMarker>u9</NextUploadIdMarker><Upload><Key>${key}</Key><UploadId>u9</UploadId><Initiated>2024-01-01T00:00:00Z</Initiated></Upload></ListMultipartUploadsResult>`
      const decoded = yield* Parse.decodeListUploadsResult(page("a+b%2Bc%20%E4%BD%A0", "URL"))
      assert.strictEqual(decoded.uploads[0]?.key, "a b+c 你")
      assert.strictEqual(decoded.nextKeyMarker, "a b+c 你")
      assert.strictEqual(decoded.nextUploadIdMarker, "u9")
      const broken = yield* Effect.flip(Parse.decodeListUploadsResult(page("%G1", "url")))
      assert.strictEqual(broken.reason, "Invalid")
    })
  )

  it.effect("the largest CRC-64 is exact and one more is refused", () =>
    Effect.gen(function* () {
      const withCrc = (crc: string) =>
        ossListParts.replace("12066172435287683848", crc).replace("<EncodingType>url</EncodingType>", "")
      const page = yield* Parse.decodeListPartsResult(withCrc("18446744073709551615"))
      assert.strictEqual(page.parts[0]?.crc64, 2n ** 64n - 1n)
      const error = yield* Effect.flip(Parse.decodeListPartsResult(withCrc("18446744073709551616")))
      assert.strictEqual(error.reason, "Invalid")
    })
  )

  it("escapes markup and control characters but leaves quotes literal, as OSS does", () => {
    assert.strictEqual(escapeXmlText(`a<b>&"c"'\r\n\t\u0001`), `a&lt;b&gt;&amp;"c"'&#13;\n\t&#1;`)
  })
})

// ── round trips ─────────────────────────────────────────────────────────────────────────────────────────────────

/** Keys with markup characters, quotes, control characters and any Unicode code point. */
const keyArb = fc.oneof(
  fc.string({ unit: "binary", maxLength: 24 }),
  fc.string({
    unit: fc.constantFrom("<", ">", "&", '"', "'", " ", "\r", "\n", "é", "😀", "]]>", "&amp;"),
    maxLength: 12
  })
)
const etagArb = fc.stringMatching(/^"[0-9A-F]{32}"$/)
const crcArb = fc.option(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { nil: undefined })
const encodingArb = fc.constantFrom<"url" | undefined>("url", undefined)

const partsPageArb = fc.record({
  key: keyArb,
  encodingType: encodingArb,
  isTruncated: fc.boolean(),
  parts: fc.uniqueArray(
    fc.record({
      partNumber: fc.integer({ min: 1, max: 10_000 }),
      sizeBytes: fc.integer({ min: 0, max: 5 * 1024 ** 3 }),
      etag: etagArb,
      crc64: crcArb,
      lastModifiedMs: fc.integer({ min: 0, max: 4_102_444_800_000 })
    }),
    { selector: (part) => part.partNumber, maxLength: 40 }
  )
})

const uploadsPageArb = fc.record({
  encodingType: encodingArb,
  isTruncated: fc.boolean(),
  nextKeyMarker: keyArb,
  nextUploadIdMarker: fc.string({ maxLength: 32 }),
  uploads: fc.array(
    fc.record({
      key: keyArb,
      uploadId: fc.string({ unit: "grapheme", minLength: 1, maxLength: 32 }),
      initiatedAtMs: fc.integer({ min: 0, max: 4_102_444_800_000 })
    }),
    { maxLength: 30 }
  )
})

describe("OSS XML: server build → client parse round trips (fast-check, fixed seed)", () => {
  it("ListPartsResult pages", () =>
    fc.assert(
      fc.property(partsPageArb, (page) => {
        const sorted = [...page.parts].sort((a, b) => a.partNumber - b.partNumber)
        const text = Build.buildListPartsResult({
          bucket: "bucket",
          key: page.key,
          uploadId: "upload-1",
          partNumberMarker: 0,
          maxParts: 1000,
          isTruncated: page.isTruncated,
          parts: sorted.map(({ crc64, ...part }) => (crc64 === undefined ? part : { ...part, crc64 })),
          ...(page.encodingType === undefined ? {} : { encodingType: page.encodingType })
        })
        const decoded = Effect.runSync(Parse.decodeListPartsResult(text))
        assert.deepStrictEqual(decoded, {
          parts: sorted.map(({ partNumber, sizeBytes, etag, crc64 }) =>
            crc64 === undefined ? { partNumber, sizeBytes, etag } : { partNumber, sizeBytes, etag, crc64 }
          ),
          isTruncated: page.isTruncated,
          nextPartNumberMarker: sorted.at(-1)?.partNumber ?? 0
        })
      }),
      params
    ))

  it("ListMultipartUploadsResult pages, keys with <&>\"' and any Unicode", () =>
    fc.assert(
      fc.property(uploadsPageArb, (page) => {
        const text = Build.buildListUploadsResult({
          bucket: "bucket",
          keyMarker: "",
          uploadIdMarker: "",
          nextKeyMarker: page.nextKeyMarker,
          nextUploadIdMarker: page.nextUploadIdMarker,
          maxUploads: 1000,
          isTruncated: page.isTruncated,
          uploads: page.uploads,
          ...(page.encodingType === undefined ? {} : { encodingType: page.encodingType })
        })
        const decoded = Effect.runSync(Parse.decodeListUploadsResult(text))
        assert.deepStrictEqual(decoded, {
          uploads: page.uploads,
          isTruncated: page.isTruncated,
          ...(page.nextKeyMarker === "" ? {} : { nextKeyMarker: page.nextKeyMarker }),
          ...(page.nextUploadIdMarker === "" ? {} : { nextUploadIdMarker: page.nextUploadIdMarker })
        })
      }),
      params
    ))

  it("Initiate and Complete results, plain and URL-encoded keys", () =>
    fc.assert(
      fc.property(keyArb, encodingArb, etagArb, (key, encodingType, etag) => {
        const encoding = encodingType === undefined ? {} : { encodingType }
        const initiate = Build.buildInitiateResult({ bucket: "b", key, uploadId: "u-1", ...encoding })
        assert.strictEqual(Effect.runSync(Parse.decodeInitiateResult(initiate)), "u-1")
        const complete = Build.buildCompleteResult({ bucket: "b", key, etag, location: "http://b/k", ...encoding })
        assert.deepStrictEqual(Effect.runSync(Parse.decodeCompleteResult(complete)), {
          etag,
          bucket: "b",
          key,
          location: "http://b/k"
        })
      }),
      params
    ))

  it("Complete request body: client build → server parse, sorted ascending, quotes added", () =>
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            partNumber: fc.integer({ min: 1, max: 10_000 }),
            etag: fc.oneof(etagArb, fc.stringMatching(/^[0-9a-f]{32}$/), fc.stringMatching(/^"[^\s"]{1,8}&<>'"$/))
          }),
          { selector: (part) => part.partNumber, minLength: 1, maxLength: 60 }
        ),
        (parts) => {
          const parsed = Complete.parseCompleteBody(Complete.buildCompleteBody(parts))
          const expected = [...parts]
            .sort((a, b) => a.partNumber - b.partNumber)
            .map(({ partNumber, etag }) => ({ partNumber, etag: etag.startsWith('"') ? etag : `"${etag}"` }))
          assert.isTrue(Result.isSuccess(parsed))
          if (Result.isSuccess(parsed)) assert.deepStrictEqual(parsed.success, expected)
        }
      ),
      params
    ))

  it("Error body: server build → client parse keeps the envelope and the extras", () =>
    fc.assert(
      fc.property(
        keyArb,
        fc.dictionary(fc.stringMatching(/^[A-Z][A-Za-z]{0,11}$/), keyArb, { maxKeys: 4 }),
        (message, extras) => {
          const clean = Object.fromEntries(
            Object.entries(extras).filter(([name]) => !["Code", "Message", "RequestId", "HostId", "EC"].includes(name))
          )
          const text = buildErrorBody({
            code: "InvalidArgument",
            message,
            requestId: "r",
            hostId: "h",
            extras: clean
          })
          const parsed = XmlError.parseErrorBody("UploadPart", text)
          assert.isTrue(Result.isSuccess(parsed))
          if (Result.isSuccess(parsed)) {
            assert.deepStrictEqual(parsed.success, {
              code: "InvalidArgument",
              message,
              requestId: "r",
              hostId: "h",
              extras: clean
            })
          }
        }
      ),
      params
    ))
})

// ── malformed input ─────────────────────────────────────────────────────────────────────────────────────────────

const completeOf = (parts: number, etag = '"E"') =>
  `<CompleteMultipartUpload>${Array.from({ length: parts }, (_, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etag}</ETag></Part>`).join("")}</CompleteMultipartUpload>`

describe("OSS XML: malformed input gives typed errors", () => {
  it("server-side Complete body: each defect has its reason", () => {
    assert.strictEqual(malformedXml(gov2CompleteBody.slice(0, 80)).reason, "NotXml")
    assert.strictEqual(malformedXml("not xml at all").reason, "NotXml")
    assert.strictEqual(malformedXml("").reason, "NotXml")
    assert.strictEqual(malformedXml(`<!DOCTYPE x [<!ENTITY e "boom">]>${completeOf(1, "&e;")}`).reason, "NotXml")
    assert.strictEqual(malformedXml("<CompleteUpload><Part/></CompleteUpload>").reason, "WrongRoot")
    assert.strictEqual(malformedXml("<CompleteMultipartUpload></CompleteMultipartUpload>").reason, "NoParts")
    assert.strictEqual(malformedXml(completeOf(10_001)).reason, "TooManyParts")
    assert.strictEqual(malformedXml(completeOf(10_000, `"${"E".repeat(100)}"`)).reason, "TooLarge")
    assert.strictEqual(
      malformedXml(
        "<CompleteMultipartUpload><Part><PartNumber>abc</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>"
      ).reason,
      "Invalid"
    )
    assert.strictEqual(
      malformedXml(
        "<CompleteMultipartUpload><Part><PartNumber>1.5</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>"
      ).reason,
      "Invalid"
    )
    assert.strictEqual(
      malformedXml("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>").reason,
      "Invalid"
    )
    assert.strictEqual(
      malformedXml("<CompleteMultipartUpload><Part><ETag>x</ETag></Part></CompleteMultipartUpload>").reason,
      "Invalid"
    )
    assert.isTrue(Result.isSuccess(Complete.parseCompleteBody(completeOf(10_000))))
  })

  it.effect("client-side responses: truncated, wrong root, too many parts, too large, bad values", () =>
    Effect.gen(function* () {
      const reasonOf = (text: string) => Effect.map(Effect.flip(Parse.decodeListPartsResult(text)), (e) => e.reason)
      assert.strictEqual(yield* reasonOf(ossListParts.slice(0, ossListParts.length - 30)), "NotXml")
      assert.strictEqual(yield* reasonOf(ossListUploads), "WrongRoot")
      const part = "<Part><PartNumber>1</PartNumber><ETag>e</ETag><Size>1</Size></Part>"
      const many = (n: number) => `<ListPartsResult><IsTruncated>true</IsTruncated>${part.repeat(n)}</ListPartsResult>`
      assert.strictEqual((yield* Parse.decodeListPartsResult(many(1000))).parts.length, 1000)
      assert.strictEqual(yield* reasonOf(many(1001)), "TooManyElements")
      assert.strictEqual(yield* reasonOf(`${many(1)}${" ".repeat(Parse.responseCharsMax)}`), "TooLarge")
      assert.strictEqual(yield* reasonOf(ossListParts.replace("false", "maybe")), "Invalid")
      assert.strictEqual(yield* reasonOf(ossListParts.replace("<PartNumber>1<", "<PartNumber>0<")), "Invalid")
      assert.strictEqual(yield* reasonOf(ossListParts.replace("96316", "-1")), "Invalid")
      // A missing IsTruncated reads as the last page: at worst a part not seen is sent again, never trusted unseen.
      const untold = yield* Parse.decodeListPartsResult(ossListParts.replace(/<IsTruncated>.*<\/IsTruncated>/, ""))
      assert.isFalse(untold.isTruncated)
      const uploads = yield* Effect.flip(
        Parse.decodeListUploadsResult(ossListUploads.replace("2023-11-22T", "yesterday"))
      )
      assert.strictEqual(uploads.reason, "Invalid")
      assert.strictEqual(uploads.operation, "ListMultipartUploads")
      const initiate = yield* Effect.flip(
        Parse.decodeInitiateResult(ossInitiate.replace(/<UploadId>.*<\/UploadId>/, ""))
      )
      assert.strictEqual(initiate.reason, "Invalid")
    })
  )

  it("no input makes a decoder throw or die (random text and damaged documents)", () => {
    const documents = [
      ossListParts,
      s3ListParts,
      ossListUploads,
      ossComplete,
      ossInitiate,
      ossNoSuchBucket,
      gov2CompleteBody
    ]
    const damaged = fc
      .tuple(fc.constantFrom(...documents), fc.nat(), fc.nat(), fc.string({ unit: "binary", maxLength: 8 }))
      .map(([doc, at, cut, insert]) => {
        const i = at % (doc.length + 1)
        return doc.slice(0, i) + insert + doc.slice(Math.min(doc.length, i + (cut % 8)))
      })
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 60 }), damaged), (text) => {
        settlesTyped(Parse.decodeInitiateResult(text))
        settlesTyped(Parse.decodeListPartsResult(text))
        settlesTyped(Parse.decodeListUploadsResult(text))
        settlesTyped(Parse.decodeCompleteResult(text))
        settlesTyped(XmlError.decodeErrorBody("PutObject", text))
        assert.isTrue(Result.isResult(Complete.parseCompleteBody(text)))
        const error = toObjectStoreError("GetObject", 500, { "x-oss-err": text }, text)
        assert.strictEqual(error._tag, "ObjectStoreError")
      }),
      { ...params, numRuns: 400 }
    )
  })
})

// ── error mapping ───────────────────────────────────────────────────────────────────────────────────────────────

describe("OssErrorMapping.toObjectStoreError", () => {
  it("NoSuchUpload 404: code and message from the body, EC and request id from headers when the body lacks them", () => {
    const error = toObjectStoreError(
      "UploadPart",
      404,
      { "X-Oss-Request-Id": "header-id", "x-oss-ec": "0017-00000244" },
      ossNoSuchUpload
    )
    assert.strictEqual(error.reason, "Remote")
    assert.strictEqual(error.status, 404)
    assert.strictEqual(error.code, "NoSuchUpload")
    assert.match(error.message, /^The specified upload does not exist/)
    assert.strictEqual(error.requestId, "5C3D9175B6FC201293AD0001")
    assert.strictEqual(error.ec, "0017-00000244")
    assert.isTrue(isNoSuchUpload(error))
    assert.deepStrictEqual(errorBodyOf("UploadPart", {}, ossNoSuchUpload)?.extras, {
      UploadId: "00358B75E5C546AF822369CE04A48A14"
    })
  })

  it("RequestTimeTooSkewed 403: ServerTime is reachable for clock correction, EC from the body", () => {
    const body = buildErrorBody({
      code: "RequestTimeTooSkewed",
      message: "The difference between the request time and the current time is too large.",
      requestId: "r-skew",
      hostId: "bucket.oss-cn-hangzhou.aliyuncs.com",
      ec: "0002-00000504",
      extras: { RequestTime: "2024-01-01T00:00:00.000Z", ServerTime: "2024-01-01T00:20:00.000Z" }
    })
    const error = toObjectStoreError("InitiateMultipartUpload", 403, {}, body)
    assert.strictEqual(error.code, "RequestTimeTooSkewed")
    assert.strictEqual(error.requestId, "r-skew")
    assert.strictEqual(error.ec, "0002-00000504")
    const extras = errorBodyOf("InitiateMultipartUpload", {}, body)?.extras
    assert.strictEqual(extras?.ServerTime, "2024-01-01T00:20:00.000Z")
    assert.strictEqual(Date.parse(extras?.ServerTime ?? ""), Date.UTC(2024, 0, 1, 0, 20))
  })

  it("empty HEAD body: the base64 x-oss-err header when present, else a code from the status", () => {
    const headers = {
      "x-oss-err": base64(ossNoSuchUpload.replace("NoSuchUpload", "AccessDenied")),
      "x-oss-request-id": "h1"
    }
    const fromHeader = toObjectStoreError("HeadObject", 403, headers, "")
    assert.strictEqual(fromHeader.code, "AccessDenied")
    assert.strictEqual(fromHeader.requestId, "5C3D9175B6FC201293AD0001")
    const bare = toObjectStoreError("HeadObject", 404, { "x-oss-request-id": "h2" }, "")
    assert.strictEqual(bare.code, "NoSuchKey")
    assert.strictEqual(bare.requestId, "h2")
    assert.isUndefined(bare.ec)
    assert.match(bare.message, /HTTP 404/)
    assert.strictEqual(toObjectStoreError("HeadObject", 404, { "x-oss-err": "%%%not base64" }, "").code, "NoSuchKey")
    assert.strictEqual(toObjectStoreError("ListParts", 404, {}, "").code, "NoSuchUpload")
    assert.strictEqual(toObjectStoreError("ListMultipartUploads", 404, {}, "").code, "NoSuchBucket")
    assert.strictEqual(toObjectStoreError("UploadPart", 503, {}, "  ").code, "ServiceUnavailable")
    assert.strictEqual(toObjectStoreError("UploadPart", 418, {}, "").code, "")
  })

  it("a body that is not an error document keeps the status code and quotes the body", () => {
    const error = toObjectStoreError(
      "UploadPart",
      502,
      { "x-amz-request-id": "amz-1" },
      "<html><body>Bad gateway</body></html>"
    )
    assert.strictEqual(error.code, "")
    assert.strictEqual(error.requestId, "amz-1")
    assert.include(error.message, "Bad gateway")
    assert.strictEqual(toObjectStoreError("PutObject", 500, {}, '{"error":"json"}').code, "InternalError")
  })
})
