/**
 * The listing documents as the stores write them: S3's namespaced `ListBucketResult` (V2) with common prefixes and a
 * continuation token, OSS's with `EncodingType=url` keys (decoded here), a quiet `DeleteResult` naming one refused
 * key, `ListAllMyBucketsResult` of either store, and the `<Delete>` body with a key that needs XML escapes.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { decodeDeleteResult, decodeListBuckets, decodeListObjects, deleteBody } from "../../adapters/http/ListingXml.ts"

describe("listing XML", () => {
  it("reads an S3 ListObjectsV2 page with prefixes and a continuation token", () => {
    const page = Effect.runSync(
      decodeListObjects(`<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>pre/</Prefix><KeyCount>2</KeyCount>
<MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>
<Contents><Key>pre/a &amp; b.txt</Key><LastModified>2024-05-01T09:30:00.000Z</LastModified><ETag>"abc"</ETag><Size>6</Size><StorageClass>STANDARD</StorageClass></Contents>
<CommonPrefixes><Prefix>pre/sub/</Prefix></CommonPrefixes><NextContinuationToken>tok==</NextContinuationToken></ListBucketResult>`)
    )
    assert.deepStrictEqual(page, {
      objects: [
        {
          key: "pre/a & b.txt",
          sizeBytes: 6,
          etag: '"abc"',
          modifiedAtMs: Date.parse("2024-05-01T09:30:00Z"),
          storageClass: "STANDARD"
        }
      ],
      commonPrefixes: ["pre/sub/"],
      isTruncated: true,
      nextContinuationToken: "tok=="
    })
  })

  it("URL-decodes keys and prefixes when the document says EncodingType=url (OSS)", () => {
    const page = Effect.runSync(
      decodeListObjects(`<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult><Name>b</Name><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>
<Contents><Key>a%01b%2Fc%20d</Key><LastModified>2024-05-01T09:30:00.000Z</LastModified><ETag>"E"</ETag><Size>0</Size></Contents>
<CommonPrefixes><Prefix>x%0Ay/</Prefix></CommonPrefixes></ListBucketResult>`)
    )
    assert.strictEqual(page.objects[0]?.key, "a\u0001b/c d")
    assert.deepStrictEqual(page.commonPrefixes, ["x\ny/"])
    assert.isFalse(page.isTruncated)
  })

  it("refuses another document in place of a listing", () => {
    const exit = Effect.runSyncExit(decodeListObjects("<ListPartsResult></ListPartsResult>"))
    assert.isTrue(Exit.isFailure(exit))
  })

  it("reads the refused keys of a quiet DeleteResult, and bucket lists", () => {
    const answer = Effect.runSync(
      decodeDeleteResult(
        `<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Error><Key>k1</Key><Code>AccessDenied</Code><Message>no</Message></Error></DeleteResult>`
      )
    )
    assert.deepStrictEqual(answer, { failed: [{ key: "k1", code: "AccessDenied", message: "no" }] })
    assert.deepStrictEqual(Effect.runSync(decodeDeleteResult("<DeleteResult/>")), { failed: [] })
    const buckets = Effect.runSync(
      decodeListBuckets(
        `<ListAllMyBucketsResult><Owner><ID>o</ID></Owner><Buckets><Bucket><Name>one</Name><CreationDate>2024-01-02T03:04:05.000Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>`
      )
    )
    assert.deepStrictEqual(buckets, {
      buckets: [{ name: "one", createdAtMs: Date.parse("2024-01-02T03:04:05Z") }],
      isTruncated: false
    })
  })

  it("writes a quiet Delete body with escaped keys", () => {
    const body = deleteBody(["a<b>&c", "d"])
    assert.include(body, "<Quiet>true</Quiet>")
    assert.include(body, "<Key>a&lt;b&gt;&amp;c</Key>")
    assert.include(body, "<Key>d</Key>")
  })
})
