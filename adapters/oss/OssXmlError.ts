/**
 * Server side: the `<Error>` body an OSS-compatible server answers with (/work/shared/docs/protocol.md §1.0, §4,
 * §6): the envelope without a namespace, operation-specific extras such as `UploadId`, and OSS's `EC` with its
 * `RecommendDoc` link. Clients read such bodies with `@resumable-upload/http/XmlErrorBody`.
 *
 * @since 0.1.0
 */
import { envelopeElements } from "@resumable-upload/http/XmlErrorBody"
import { presentElements, renderXmlDocument, type XmlElement } from "@resumable-upload/http/XmlText"

/** @category models */
export interface ErrorBodyInput {
  readonly code: string
  readonly message: string
  readonly requestId: string
  readonly hostId: string
  /** Adds `<EC>` and, as OSS does, a `<RecommendDoc>` troubleshooting link after it. */
  readonly ec?: string
  /** Extra elements in insertion order; names that are not plain XML names or repeat the envelope are skipped. */
  readonly extras?: Readonly<Record<string, string>>
}

const xmlName = /^[A-Za-z_][A-Za-z0-9._-]*$/

/**
 * Server side: an OSS error body (no namespace), e.g. `NoSuchUpload` with its `UploadId`.
 *
 * @category encoding
 */
export const buildErrorBody = (input: ErrorBodyInput): string => {
  const extras: Array<XmlElement> = Object.entries(input.extras ?? {})
    .filter(([name]) => xmlName.test(name) && !envelopeElements.has(name) && name !== "RecommendDoc")
    .map(([name, value]): XmlElement => [name, value])
  const recommendDoc = input.extras?.RecommendDoc ?? (input.ec === undefined ? undefined : recommendDocOf(input.ec))
  return renderXmlDocument([
    "Error",
    [
      ["Code", input.code],
      ["Message", input.message],
      ["RequestId", input.requestId],
      ["HostId", input.hostId],
      ...extras,
      ...presentElements([
        ["EC", input.ec],
        ["RecommendDoc", recommendDoc]
      ])
    ]
  ])
}

const recommendDocOf = (ec: string): string => `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(ec)}`
