/**
 * The names of the conformance checks that can disagree with the documentation, and the shape of a registered
 * disagreement; apart from ./disagreements.ts so the per-target entry lists (./motoDisagreements.ts) can use them.
 */
import type { TargetName } from "./target.ts"

export type CheckId =
  | "UploadPart with a wrong Content-MD5"
  | "PutObject with a wrong Content-MD5"
  | "Complete with a part too small"
  | "Complete with a wrong ETag"
  | "Complete with a part never uploaded"
  | "UploadPart after abort"
  | "Complete after abort"
  | "Abort after abort"
  | "UploadPart after complete"
  | "Complete answer ETag"
  | "Complete with a subset of the uploaded parts"
  | "Complete listing a part number twice"
  | "UploadPart with a Content-MD5 of the wrong length"
  | "UploadPart with a Content-MD5 that is not base64"
  | "UploadPart number 0"
  | "UploadPart number 10001"
  | "ListParts after abort"
  | "ListParts after complete"
  | "Complete after complete"
  | "ListMultipartUploads with MaxUploads=1"

export interface Disagreement {
  readonly check: CheckId
  readonly target: TargetName
  /** The outcome the documentation gives; must equal what the check states as documented. */
  readonly documented: string
  /** Where the documentation says so. */
  readonly source: string
  /** What the target answers instead (the check expects exactly this for this target). */
  readonly observed: string
  readonly resolution: string
}
