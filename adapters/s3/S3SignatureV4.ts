/**
 * AWS Signature V4 (`AWS4-HMAC-SHA256`) for S3: header auth with `UNSIGNED-PAYLOAD` or a signed payload hash,
 * session tokens, presigned URLs, and server-side verification (/work/shared/docs/protocol.md §3.3, §3.4, §5). The
 * entry point; the parts live in {@link ./S3Canonical.ts}, {@link ./S3Sign.ts} and {@link ./S3Verify.ts}.
 *
 * Hand-written, not `aws4fetch` (1.0.20, the small WebCrypto SigV4 signer). aws4fetch does run unchanged on Node 20
 * and Deno and reproduces every §3.3 vector (with `allHeaders: true`, else it silently drops `range` and
 * `content-length` from SignedHeaders), but:
 * - it only signs: the emulator's S3 dialect needs a verifier, i.e. a canonicaliser of the request as received,
 *   which would then be a second implementation that could drift from the client's;
 * - it canonicalises through WHATWG `URL`, which resolves `.`/`..` segments (key `a/../b` signs as `/b`) and it
 *   reads a raw `+` in an S3 path as a space: guesses a server must not make about what it received;
 * - it takes the secret as a plain string and keeps it as a cache-map key, where `Redacted` is our rule;
 * - the remaining work is ~100 lines on top of the RFC 3986 encoder, header map and WebCrypto HMAC the OSS V4
 *   signer already has, so the dependency would save little and cost an API shaped around `Request`.
 *
 * @since 0.1.0
 */
import { presign, sign } from "./S3Sign.ts"
import type { S3Signer } from "./S3Signing.ts"
import { verify } from "./S3Verify.ts"

export * from "./S3Canonical.ts"
export { compute, payloadHash, presign, type S3Computation, sign } from "./S3Sign.ts"
export * from "./S3Signing.ts"
export { verify } from "./S3Verify.ts"

/** @category signing */
export const signer: S3Signer = { sign, presign, verify }
