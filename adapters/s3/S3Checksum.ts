/**
 * S3 additional checksums, CRC-64/NVME full-object (protocol.md §2.2): when they are sent, and what is sent.
 *
 * - CreateMultipartUpload: `x-amz-checksum-algorithm: CRC64NVME`, `x-amz-checksum-type: FULL_OBJECT`.
 * - UploadPart and PutObject: `x-amz-checksum-crc64nvme` of the body, which S3 verifies before storing it.
 * - Complete: the whole object's value, folded from the parts' with CRC combine, which S3 checks against the object
 *   it assembled.
 *
 * `"auto"` enables them only on Amazon S3 itself: S3-compatible stores reject unknown checksum headers (R2 answers
 * 501) or ignore them (RGW), the AWS SDK failure listed in peers.md. Content-MD5 is sent either way.
 *
 * @since 0.1.0
 */
import * as Crc64Nvme from "./Crc64Nvme.ts"
import { isAws, type S3Endpoint } from "./S3Endpoint.ts"

/** @category models */
export type S3ChecksumMode = "auto" | "none" | "crc64nvme"

/** Whether the store gets CRC-64/NVME checksums. @category utils */
export const enabled = (mode: S3ChecksumMode | undefined, endpoint: S3Endpoint): boolean =>
  mode === "crc64nvme" || ((mode ?? "auto") === "auto" && isAws(endpoint))

/** @category constants */
export const checksumHeader = "x-amz-checksum-crc64nvme"

/** CreateMultipartUpload headers declaring a full-object CRC-64/NVME upload. @category headers */
export const initiateHeaders: Readonly<Record<string, string>> = {
  "x-amz-checksum-algorithm": "CRC64NVME",
  "x-amz-checksum-type": "FULL_OBJECT"
}

/** A part's (or a whole object's) header. @category headers */
export const bodyHeaders = (crc: bigint): Record<string, string> => ({ [checksumHeader]: Crc64Nvme.toBase64(crc) })

/** Complete's headers for the object folded from its parts. @category headers */
export const completeHeaders = (crc: bigint): Record<string, string> => ({
  [checksumHeader]: Crc64Nvme.toBase64(crc),
  "x-amz-checksum-type": "FULL_OBJECT"
})

/** One uploaded part as the full-object fold needs it. @category models */
export interface PartChecksum {
  readonly crc: bigint
  readonly sizeBytes: number
}

/**
 * The part checksums one store sent, per upload, for Complete's full-object value. In memory only: bounded to
 * {@link rememberedUploadsMax} uploads (the oldest forgotten), and emptied by Complete and Abort.
 *
 * @category models
 */
export interface PartChecksums {
  readonly remember: (uploadId: string, partNumber: number, checksum: PartChecksum) => void
  readonly forget: (uploadId: string) => void
  /**
   * The whole object's CRC from its parts in part-number order; `undefined` when any part is unknown (uploaded
   * by an earlier process), in which case Complete goes without it and S3 relies on the per-part checks it made.
   */
  readonly fullObject: (uploadId: string, partNumbers: ReadonlyArray<number>) => bigint | undefined
}

/** @category constants */
export const rememberedUploadsMax = 64

/**
 * A part's checksum as the engine carries it (`StoredChecksums.partChecksum`, kept in the checkpoint):
 * `crc64nvme:<base64>:<size>`, so a Complete after a resume folds the full-object value without the memory above.
 * @category codec
 */
export const encodePart = (part: PartChecksum): string => `crc64nvme:${Crc64Nvme.toBase64(part.crc)}:${part.sizeBytes}`

/** {@link encodePart} back; `undefined` for anything else. @category codec */
export const decodePart = (text: string | undefined): PartChecksum | undefined => {
  const match = text === undefined ? null : /^crc64nvme:([A-Za-z0-9+/=]{12}):(\d{1,16})$/.exec(text)
  const crc = match?.[1] === undefined ? undefined : Crc64Nvme.fromBase64(match[1])
  const sizeBytes = Number(match?.[2])
  return crc === undefined || !Number.isSafeInteger(sizeBytes) ? undefined : { crc, sizeBytes }
}

/** The full-object CRC from the checksums the parts carry; `undefined` when any part has none. @category utils */
export const fullObjectOf = (parts: ReadonlyArray<{ readonly partNumber: number; readonly partChecksum?: string }>) => {
  let crc = 0n
  for (const part of [...parts].sort((a, b) => a.partNumber - b.partNumber)) {
    const checksum = decodePart(part.partChecksum)
    if (checksum === undefined) return undefined
    crc = Crc64Nvme.combine(crc, checksum.crc, checksum.sizeBytes)
  }
  return crc
}

/** @category constructors */
export const makePartChecksums = (): PartChecksums => {
  const uploads = new Map<string, Map<number, PartChecksum>>()
  return {
    remember: (uploadId, partNumber, checksum) => {
      let parts = uploads.get(uploadId)
      if (parts === undefined) {
        if (uploads.size >= rememberedUploadsMax) uploads.delete(uploads.keys().next().value ?? "")
        parts = new Map()
        uploads.set(uploadId, parts)
      }
      parts.set(partNumber, checksum)
    },
    forget: (uploadId) => {
      uploads.delete(uploadId)
    },
    fullObject: (uploadId, partNumbers) => {
      const known = uploads.get(uploadId)
      let crc = 0n
      for (const partNumber of [...partNumbers].sort((a, b) => a - b)) {
        const part = known?.get(partNumber)
        if (part === undefined) return undefined
        crc = Crc64Nvme.combine(crc, part.crc, part.sizeBytes)
      }
      return crc
    }
  }
}
