/**
 * The operations a signing endpoint will sign, each with its HTTP method, the query parameters the page supplies
 * (`uploadId`, `partNumber`) and the ones it may add. The endpoint picks the method from the operation, so a URL
 * asked for as an UploadPart can never be a DELETE. Listing uploads, reading and deleting objects are not upload
 * operations and are not signable: a page that needs them talks to its own backend.
 *
 * @since 0.2.0
 */
import type { Operation } from "@resumable-upload/core/ports/ObjectStore"
import type { SignAnswer } from "@resumable-upload/http/SignWire"

/** @category models */
export interface OperationShape {
  readonly method: SignAnswer["method"]
  /** Parameters set by the endpoint itself (`uploads`). */
  readonly fixedQuery: Readonly<Record<string, string>>
  readonly needsUploadId: boolean
  readonly needsPartNumber: boolean
  /** Has a body whose size the page must declare (signed as `content-length`). */
  readonly needsSize: boolean
  /** Sets the object's content type, so the policy's content types apply. */
  readonly setsContentType: boolean
  /** Optional query parameters the page may add. */
  readonly optionalQuery: ReadonlyArray<string>
}

const shape = (method: SignAnswer["method"], rest: Partial<OperationShape> = {}): OperationShape => ({
  method,
  fixedQuery: {},
  needsUploadId: false,
  needsPartNumber: false,
  needsSize: false,
  setsContentType: false,
  optionalQuery: [],
  ...rest
})

/** The signable operations. @category constants */
export const operations: Readonly<Partial<Record<Operation, OperationShape>>> = {
  InitiateMultipartUpload: shape("POST", { fixedQuery: { uploads: "" }, setsContentType: true }),
  UploadPart: shape("PUT", { needsUploadId: true, needsPartNumber: true, needsSize: true }),
  ListParts: shape("GET", {
    needsUploadId: true,
    optionalQuery: ["max-parts", "part-number-marker", "encoding-type"]
  }),
  CompleteMultipartUpload: shape("POST", { needsUploadId: true, optionalQuery: ["encoding-type"] }),
  AbortMultipartUpload: shape("DELETE", { needsUploadId: true }),
  PutObject: shape("PUT", { needsSize: true, setsContentType: true }),
  HeadObject: shape("HEAD")
}

/** The operations signed when the policy names none: everything a resumable upload does. @category constants */
export const uploadOperations: ReadonlyArray<Operation> = Object.keys(operations) as Array<Operation>

/**
 * Headers a page may ask to have signed besides `content-md5` and `content-type`: checksums, metadata and
 * upload options. Anything else (`x-amz-copy-source`, ACLs granting access, `x-oss-callback`) is refused.
 *
 * @category constants
 */
export const extraHeaderPattern =
  /^(?:x-amz-(?:checksum-[a-z0-9-]+|sdk-checksum-algorithm|meta-[a-z0-9-]+|storage-class)|x-oss-(?:meta-[a-z0-9-]+|forbid-overwrite|storage-class|hash-crc64ecma))$/
