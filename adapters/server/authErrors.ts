/**
 * Turns a signature verifier's failure into the OSS error body a client can act on: `SignatureDoesNotMatch` with the
 * server's `StringToSign` (and for V4 the canonical request), so a developer can diff it against the client's.
 *
 * @since 0.1.0
 */
import type { VerifyError } from "@resumable-upload/oss/OssSigning"
import type { ModelError } from "@resumable-upload/sim/MultipartModel"
import * as ServerErrors from "./serverErrors.ts"

/** The hex of each UTF-8 byte, space separated: the `StringToSignBytes` OSS adds for byte-level diffs. */
const bytesOf = (text: string): string =>
  Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, "0")).join(" ")

/** @category utils */
export const errorOfVerify = (error: VerifyError): ModelError => {
  switch (error._tag) {
    case "SignatureMismatch":
      return ServerErrors.signatureDoesNotMatch({
        StringToSign: error.stringToSign,
        StringToSignBytes: bytesOf(error.stringToSign),
        SignatureProvided: error.signatureProvided,
        OSSAccessKeyId: error.accessKeyId,
        ...(error.canonicalRequest === undefined
          ? {}
          : { CanonicalRequest: error.canonicalRequest, CanonicalRequestBytes: bytesOf(error.canonicalRequest) })
      })
    case "UnknownAccessKey":
      return ServerErrors.invalidAccessKeyId(error.accessKeyId)
    case "MalformedAuthorization":
      return ServerErrors.invalidArgument("Authorization", error.authorization ?? "", error.message)
  }
}
