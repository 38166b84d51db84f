/**
 * A signing endpoint for browser uploads (`import { signerHandler } from "@resumable-upload/signer"`): the page asks
 * for each request's presigned URL instead of holding store keys; a policy bounds what is signed. One web-standard
 * `(Request) => Promise<Response>` for Node, Deno and workerd.
 *
 * @since 0.2.0
 */
export * as SignOperations from "./SignOperations.ts"
export * as SignPolicy from "./SignPolicy.ts"
export { BadSignRequest, decodeSignRequest } from "./SignRequestDecode.ts"
export type { Presign, SigningKeys, SignTarget } from "./SignTarget.ts"
export { type SignerOptions, type SignerStore, signerHandler } from "./signerHandler.ts"
