/**
 * The multipart result documents of each dialect behind one shape: OSS's from adapters/oss/OssXmlBuild.ts, S3's
 * (namespaced, lowercase ETags) from s3Xml.ts. Handlers fill one input and let the request's dialect pick.
 *
 * @since 0.1.0
 */
import type { Dialect } from "@resumable-upload/core/Limits"
import {
  buildCompleteResult,
  buildInitiateResult,
  buildListPartsResult,
  buildListUploadsResult,
  type CompleteResultInput,
  type InitiateResultInput,
  type ListPartsResultInput,
  type ListUploadsResultInput
} from "@resumable-upload/oss/OssXmlBuild"
import * as S3Xml from "./s3Xml.ts"

/** @category models */
export interface ResultXml {
  readonly initiate: (input: InitiateResultInput) => string
  readonly listParts: (input: ListPartsResultInput) => string
  readonly listUploads: (input: ListUploadsResultInput) => string
  readonly complete: (input: CompleteResultInput) => string
}

const oss: ResultXml = {
  initiate: buildInitiateResult,
  listParts: buildListPartsResult,
  listUploads: buildListUploadsResult,
  complete: buildCompleteResult
}

const s3: ResultXml = {
  initiate: S3Xml.initiateResult,
  listParts: S3Xml.listPartsResult,
  listUploads: S3Xml.listUploadsResult,
  complete: S3Xml.completeResult
}

/** @category utils */
export const resultXml = (dialect: Dialect): ResultXml => (dialect === "s3" ? s3 : oss)
