/**
 * Helpers for the signing-endpoint tests: a handler over the local server for either dialect, asking it for a URL
 * as a page would (a POSTed JSON `SignRequest`), and sending the signed request with exactly the answered headers.
 */
import { createHash } from "node:crypto"
import type { SignAnswer, SignRequest } from "../../adapters/http/SignWire.ts"
import type { LocalOssServer } from "../../adapters/server/LocalOssServer.ts"
import type { SignPolicyInput } from "../../adapters/signer/SignPolicy.ts"
import { type SignerOptions, signerHandler } from "../../adapters/signer/signerHandler.ts"
import { accessKeyId, accessKeySecret, bucket } from "../server/serverSupport.ts"

export const policy: SignPolicyInput = {
  buckets: [bucket],
  keyPrefix: "uploads/",
  maxObjectSizeBytes: 1024,
  contentTypes: ["application/octet-stream", "image/png"],
  maxExpiresInSeconds: 600
}

/** A handler signing for `server` in `dialect` with the test keys. */
export const handlerFor = (
  server: LocalOssServer,
  dialect: "s3" | "oss",
  overrides: Partial<SignerOptions> = {}
): ((request: Request) => Promise<Response>) =>
  signerHandler({
    store:
      dialect === "s3"
        ? { dialect, endpoint: server.url, region: "us-east-1" }
        : { dialect, endpoint: server.url, region: "cn-hangzhou" },
    credentials: { accessKeyId, secretAccessKey: accessKeySecret },
    policy,
    ...overrides
  })

/** POSTs `sign` to the handler as a page would. */
export const ask = (handler: (request: Request) => Promise<Response>, sign: unknown): Promise<Response> =>
  handler(
    new Request("http://signer.test/sign", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(sign)
    })
  )

/** Asks for a URL (failing the test when refused) and sends the request with the answered headers. */
export const signAndSend = async (
  handler: (request: Request) => Promise<Response>,
  sign: SignRequest,
  body?: Uint8Array<ArrayBuffer> | string
): Promise<Response> => {
  const answer = await ask(handler, sign)
  if (answer.status !== 200) throw new Error(`signer refused: ${answer.status} ${await answer.text()}`)
  const signed = (await answer.json()) as SignAnswer
  return fetch(signed.url, { method: signed.method, headers: signed.headers, ...(body === undefined ? {} : { body }) })
}

export const md5Base64 = (bytes: Uint8Array): string => createHash("md5").update(bytes).digest("base64")
