/**
 * The CompleteMultipartUpload request body in S3's form: the shared body ({@link ../http/CompleteXml.ts}: parts
 * sorted, ETags quoted and escaped) with S3's default namespace on the root, as the AWS SDKs send it.
 *
 * @since 0.1.0
 */
import type { CompletedPart } from "@resumable-upload/core/ports/ObjectStore"
import { buildCompleteBody } from "@resumable-upload/http/CompleteXml"

/** The S3 XML namespace of requests and responses. @category constants */
export const s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

/** @category encoding */
export const buildS3CompleteBody = (parts: ReadonlyArray<CompletedPart>): string =>
  // The shared builder writes the root start tag once, right after the declaration; only that tag gains the namespace.
  buildCompleteBody(parts).replace("<CompleteMultipartUpload>", `<CompleteMultipartUpload xmlns="${s3Namespace}">`)
