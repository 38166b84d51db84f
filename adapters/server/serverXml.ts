/**
 * The local server's side of the shared OSS XML modules (adapters/oss/OssXml*.ts): the `<Error>` document with the
 * EC ("error condition") codes OSS documents for the errors this server raises (protocol.md §1, §4).
 *
 * Only codes whose EC is documented get one; inventing ECs would mislead anyone looking them up.
 *
 * @since 0.1.0
 */
import { buildErrorBody } from "@resumable-upload/oss/OssXmlError"
import type { ModelError } from "@resumable-upload/sim/MultipartModel"

/** EC by code, from the OSS troubleshooting pages cited in protocol.md. */
const ecByCode: Readonly<Record<string, string>> = {
  MalformedXML: "0042-00000205",
  InvalidPartOrder: "0042-00000209",
  EntityTooSmall: "0042-00000213",
  NoSuchUpload: "0017-00000244",
  CallbackFailed: "0007-00000203"
}

/** ECs that depend on which argument was invalid. */
const ecOfInvalidArgument = (error: ModelError): string | undefined => {
  const name = error.extra?.ArgumentName
  if (name === "x-oss-complete-all") return "0042-00000216"
  if (name === "PartNumber") return "0017-00000220"
  return undefined
}

/** The EC of an error, when OSS documents one. @category utils */
export const ecOf = (error: ModelError): string | undefined =>
  error.code === "InvalidArgument" ? ecOfInvalidArgument(error) : ecByCode[error.code]

/** The `<Error>` document of `error`, and its EC for the `x-oss-ec` header. @category encoding */
export const errorDocument = (
  error: ModelError,
  requestId: string,
  hostId: string
): { readonly document: string; readonly ec: string | undefined } => {
  const ec = ecOf(error)
  const document = buildErrorBody({
    code: error.code,
    message: error.message,
    requestId,
    hostId,
    ...(ec === undefined ? {} : { ec }),
    ...(error.extra === undefined ? {} : { extras: error.extra })
  })
  return { document, ec }
}
