/**
 * Results and protocol errors of the multipart model ({@link ./MultipartModel.ts}).
 *
 * The model never throws for a protocol error: each call returns a {@link ModelResult}, so the fault layer and the
 * HTTP emulator can map an error to an `ObjectStoreError` or to an XML error body without `try`/`catch`. Codes,
 * statuses and messages follow /work/shared/docs/protocol.md §1 (the OSS message texts where the docs quote them).
 *
 * @since 0.1.0
 */

/**
 * A store error as the server would send it. `extra` holds the operation-specific elements of the error body
 * (`ArgumentName`/`ArgumentValue`, `UploadId`, …).
 *
 * @category models
 */
export interface ModelError {
  readonly status: number
  readonly code: string
  readonly message: string
  readonly extra?: Readonly<Record<string, string>>
}

/** @category models */
export type ModelResult<A> =
  | { readonly ok: true; readonly value: A }
  | { readonly ok: false; readonly error: ModelError }

/** @category constructors */
export const ok = <A>(value: A): ModelResult<A> => ({ ok: true, value })

/** @category constructors */
export const fail = (error: ModelError): { readonly ok: false; readonly error: ModelError } => ({ ok: false, error })

/** @category errors */
export const noSuchUpload = (uploadId: string): ModelError => ({
  status: 404,
  code: "NoSuchUpload",
  message:
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
  extra: { UploadId: uploadId }
})

/** @category errors */
export const noSuchKey = (key: string): ModelError => ({
  status: 404,
  code: "NoSuchKey",
  message: "The specified key does not exist.",
  extra: { Key: key }
})

/** @category errors */
export const invalidArgument = (name: string, value: string, message: string): ModelError => ({
  status: 400,
  code: "InvalidArgument",
  message,
  extra: { ArgumentName: name, ArgumentValue: value }
})

/** Content-MD5 that is not the base64 of 16 bytes: `InvalidDigest` on both dialects. @category errors */
export const malformedDigest = (): ModelError => ({
  status: 400,
  code: "InvalidDigest",
  message: "The Content-MD5 you specified is not valid."
})

/** Content-MD5 well formed but different from the body's: OSS says `InvalidDigest`, S3 `BadDigest`. @category errors */
export const digestMismatch = (dialect: "oss" | "s3"): ModelError =>
  dialect === "oss"
    ? { status: 400, code: "InvalidDigest", message: "The Content-MD5 you specified was invalid." }
    : { status: 400, code: "BadDigest", message: "The Content-MD5 you specified did not match what we received." }

/** @category errors */
export const entityTooLarge = (sizeBytes: number, maxBytes: number): ModelError => ({
  status: 400,
  code: "EntityTooLarge",
  message: "Your proposed upload exceeds the maximum allowed size.",
  extra: { ProposedSize: String(sizeBytes), MaxSizeAllowed: String(maxBytes) }
})

/** @category errors */
export const entityTooSmall = (partNumber: number, sizeBytes: number, minBytes: number): ModelError => ({
  status: 400,
  code: "EntityTooSmall",
  message: "Your proposed upload is smaller than the minimum allowed object size.",
  extra: { PartNumber: String(partNumber), ProposedSize: String(sizeBytes), MinSizeAllowed: String(minBytes) }
})

/** @category errors */
export const invalidPart = (partNumber: number): ModelError => ({
  status: 400,
  code: "InvalidPart",
  message:
    "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.",
  extra: { PartNumber: String(partNumber) }
})

/** @category errors */
export const invalidPartOrder = (): ModelError => ({
  status: 400,
  code: "InvalidPartOrder",
  message: "The list of parts was not in ascending order. The parts list must be specified in order by part number."
})

/** @category errors */
export const malformedXml = (): ModelError => ({
  status: 400,
  code: "MalformedXML",
  message: "The XML you provided was not well-formed or did not validate against our published schema."
})
