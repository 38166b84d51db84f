/**
 * CRC-64/NVME (S3's `CRC64NVME`): the protocol.md §2.2 vectors and their base64 header form, agreement with a
 * bit-at-a-time reference, the combine property the full-object checksum relies on, and the per-upload memory
 * of part checksums; plus when the adapter sends these checksums at all.
 */
import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import * as Crc64Nvme from "../../adapters/s3/Crc64Nvme.ts"
import * as S3Checksum from "../../adapters/s3/S3Checksum.ts"
import * as S3Endpoint from "../../adapters/s3/S3Endpoint.ts"

const utf8 = (text: string) => new TextEncoder().encode(text)
const params = { seed: 0x5eed, numRuns: 200 } as const
const U64_MAX = 2n ** 64n - 1n
const POLY = 0x9a6c9329ac4bc9b5n
const slowCrc = (bytes: Uint8Array): bigint => {
  let crc = U64_MAX
  for (const byte of bytes) {
    crc ^= BigInt(byte)
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ POLY : crc >> 1n
  }
  return crc ^ U64_MAX
}

describe("CRC-64/NVME", () => {
  it("matches the published vectors, and the header form is base64 of 8 big-endian bytes", () => {
    const vectors: ReadonlyArray<readonly [Uint8Array, bigint, string]> = [
      [utf8("123456789"), 0xae8b14860a799888n, "rosUhgp5mIg="],
      [new Uint8Array(32), 0xcf3473434d4ecf3bn, "zzRzQ01Ozzs="],
      [Uint8Array.from({ length: 32 }, (_, i) => i), 0xb9d9d4a8492cbd7fn, "udnUqEksvX8="],
      [utf8("Hello world"), 0x38e259d03f312adbn, "OOJZ0D8xKts="]
    ]
    for (const [bytes, crc, base64] of vectors) {
      assert.strictEqual(Crc64Nvme.compute(bytes), crc)
      assert.strictEqual(Crc64Nvme.toBase64(crc), base64)
      assert.strictEqual(Crc64Nvme.fromBase64(base64), crc)
    }
    assert.strictEqual(Crc64Nvme.compute(new Uint8Array()), 0n)
    assert.isUndefined(Crc64Nvme.fromBase64("AAAA"))
    assert.isUndefined(Crc64Nvme.fromBase64("not base64!"))
  })

  it("agrees with a bit-at-a-time reference on any bytes, also when continued", () =>
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        const whole = new Uint8Array([...a, ...b])
        assert.strictEqual(Crc64Nvme.compute(whole), slowCrc(whole))
        assert.strictEqual(Crc64Nvme.compute(b, Crc64Nvme.compute(a)), slowCrc(whole))
      }),
      params
    ))

  it("combine(crc(A), crc(B), |B|) = crc(A ‖ B)", () =>
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), fc.uint8Array({ maxLength: 500 }), (a, b) => {
        const whole = new Uint8Array([...a, ...b])
        assert.strictEqual(Crc64Nvme.combine(Crc64Nvme.compute(a), Crc64Nvme.compute(b), b.length), slowCrc(whole))
      }),
      params
    ))
})

describe("S3 checksum policy", () => {
  it("'auto' sends checksums to Amazon S3 only; 'none' never; 'crc64nvme' always", () => {
    const aws = S3Endpoint.make("https://s3.us-west-2.amazonaws.com")
    const china = S3Endpoint.make("https://s3.cn-north-1.amazonaws.com.cn")
    const rgw = S3Endpoint.make("http://127.0.0.1:7480")
    const lookalike = S3Endpoint.make("https://amazonaws.com.example.org")
    assert.isTrue(S3Checksum.enabled(undefined, aws))
    assert.isTrue(S3Checksum.enabled("auto", china))
    assert.isFalse(S3Checksum.enabled("auto", rgw))
    assert.isFalse(S3Checksum.enabled("auto", lookalike))
    assert.isFalse(S3Checksum.enabled("none", aws))
    assert.isTrue(S3Checksum.enabled("crc64nvme", rgw))
  })

  it("folds remembered parts in part-number order, and forgets uploads (bounded)", () => {
    const memory = S3Checksum.makePartChecksums()
    const parts = [utf8("one-"), utf8("two-"), utf8("three")]
    memory.remember("u", 3, { crc: Crc64Nvme.compute(parts[2] ?? utf8("")), sizeBytes: 5 })
    memory.remember("u", 1, { crc: Crc64Nvme.compute(parts[0] ?? utf8("")), sizeBytes: 4 })
    assert.isUndefined(memory.fullObject("u", [1, 2, 3]))
    memory.remember("u", 2, { crc: Crc64Nvme.compute(parts[1] ?? utf8("")), sizeBytes: 4 })
    assert.strictEqual(memory.fullObject("u", [3, 1, 2]), Crc64Nvme.compute(utf8("one-two-three")))
    memory.forget("u")
    assert.isUndefined(memory.fullObject("u", [1, 2, 3]))
    for (let i = 0; i <= S3Checksum.rememberedUploadsMax; i++) memory.remember(`u${i}`, 1, { crc: 0n, sizeBytes: 0 })
    assert.isUndefined(memory.fullObject("u0", [1]))
    assert.strictEqual(memory.fullObject(`u${S3Checksum.rememberedUploadsMax}`, [1]), 0n)
  })
})

describe("S3 endpoints", () => {
  it("IP and localhost endpoints default to path-style; virtual-hosted needs a DNS-label bucket", () => {
    assert.strictEqual(S3Endpoint.make("http://127.0.0.1:7480").addressing, "path")
    assert.strictEqual(S3Endpoint.make("http://localhost:9000").addressing, "path")
    assert.strictEqual(S3Endpoint.make("s3.amazonaws.com").addressing, "virtual-hosted")
    assert.strictEqual(S3Endpoint.make("https://s3.amazonaws.com", "path").addressing, "path")
    const virtual = S3Endpoint.make("https://s3.amazonaws.com")
    assert.deepStrictEqual(S3Endpoint.targetOf(virtual, "bkt", "a/b"), {
      origin: "https://bkt.s3.amazonaws.com",
      host: "bkt.s3.amazonaws.com",
      path: "/a/b"
    })
    assert.deepStrictEqual(S3Endpoint.targetOf(virtual, "my.dotted.bucket", "k"), {
      origin: "https://s3.amazonaws.com",
      host: "s3.amazonaws.com",
      path: "/my.dotted.bucket/k"
    })
    const path = S3Endpoint.make("http://127.0.0.1:7480")
    assert.deepStrictEqual(S3Endpoint.targetOf(path, "bkt", undefined), {
      origin: "http://127.0.0.1:7480",
      host: "127.0.0.1:7480",
      path: "/bkt"
    })
    assert.strictEqual(S3Endpoint.identity(path), "http://127.0.0.1:7480 path")
  })
})
