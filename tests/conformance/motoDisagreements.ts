/**
 * moto 5.2.1's deviations from S3's documentation, as entries of the registry in ./disagreements.ts (kept apart only
 * to keep that file short; the registry concatenates them). Each was observed by the suite against
 * `python3 -m moto.server`; environment.md §1.5 saw the same with the AWS SDK.
 */
import type { Disagreement } from "./checkIds.ts"

const s3Api = "https://docs.aws.amazon.com/AmazonS3/latest/API"

const noDigestCheck =
  "moto does not check Content-MD5 at all. The engine does not depend on it: it compares the ETag each part " +
  "answers with the MD5 it sent (a part that arrived damaged answers another ETag and is sent again), and the " +
  "finished object's multipart ETag with the parts' MD5s."

export const motoDisagreements: ReadonlyArray<Disagreement> = [
  {
    check: "UploadPart with a wrong Content-MD5",
    target: "moto",
    documented: "400 BadDigest",
    source: `${s3Api}/API_UploadPart.html (Content-MD5) and ErrorResponses.html (BadDigest)`,
    observed: "ok",
    resolution: noDigestCheck
  },
  {
    check: "PutObject with a wrong Content-MD5",
    target: "moto",
    documented: "400 BadDigest",
    source: `${s3Api}/API_PutObject.html (Content-MD5) and ErrorResponses.html (BadDigest)`,
    observed: "ok",
    resolution: noDigestCheck
  },
  {
    check: "UploadPart with a Content-MD5 of the wrong length",
    target: "moto",
    documented: "400 InvalidDigest",
    source: `${s3Api}/ErrorResponses.html (InvalidDigest)`,
    observed: "ok",
    resolution: noDigestCheck
  },
  {
    check: "UploadPart with a Content-MD5 that is not base64",
    target: "moto",
    documented: "400 InvalidDigest",
    source: `${s3Api}/ErrorResponses.html (InvalidDigest)`,
    observed: "ok",
    resolution: noDigestCheck
  },
  {
    check: "UploadPart number 0",
    target: "moto",
    documented: "400 InvalidArgument",
    source: `${s3Api}/API_UploadPart.html (PartNumber: a positive integer between 1 and 10,000)`,
    observed: "404 NoSuchUpload",
    resolution: "The engine numbers parts 1..10,000 (PartPlan) and never sends part 0."
  },
  {
    check: "Complete listing a part number twice",
    target: "moto",
    documented: "400 InvalidPartOrder",
    source: `${s3Api}/API_CompleteMultipartUpload.html (InvalidPartOrder: list must be in ascending order)`,
    observed: "ok",
    resolution: "The engine lists each part once, in ascending order. The local server keeps the documented error."
  },
  {
    check: "UploadPart after abort",
    target: "moto",
    documented: "404 NoSuchUpload",
    source: `${s3Api}/API_UploadPart.html and ErrorResponses.html (NoSuchUpload)`,
    observed: "500 InternalError",
    resolution:
      "moto fails with a KeyError (an HTML 500 page). A 5xx is retryable, so the engine retries the part and then " +
      "stops with StoreUnreachable, keeping the checkpoint; the rerun's ListParts gets NoSuchUpload from moto and " +
      "starts a fresh upload. Only reachable when something else aborted the upload."
  },
  {
    check: "Complete after abort",
    target: "moto",
    documented: "404 NoSuchUpload",
    source: `${s3Api}/API_CompleteMultipartUpload.html (Errors: NoSuchUpload ... aborted or completed)`,
    observed: "500 InternalError",
    resolution:
      "As for RGW: a 5xx is retryable, so the engine takes Complete as unanswered and HEADs the object; with no " +
      "object there it fails with CompletionUnconfirmed, where NoSuchUpload would also end in that HEAD."
  },
  {
    check: "UploadPart after complete",
    target: "moto",
    documented: "404 NoSuchUpload",
    source: `${s3Api}/ErrorResponses.html (NoSuchUpload: aborted or completed)`,
    observed: "500 InternalError",
    resolution: "As after abort; the engine never sends a part after its own Complete."
  },
  {
    check: "Complete after complete",
    target: "moto",
    documented: "404 NoSuchUpload",
    source: `${s3Api}/API_CompleteMultipartUpload.html (Errors: NoSuchUpload ... aborted or completed)`,
    observed: "ok",
    resolution:
      "moto answers a repeated Complete with 200 and the object's ETag, as RGW does; the engine judges that ETag " +
      "against the parts' MD5s either way."
  },
  {
    check: "ListMultipartUploads with MaxUploads=1",
    target: "moto",
    documented: "ok",
    source: `${s3Api}/API_ListMultipartUploads.html (max-uploads: at most this many uploads per page)`,
    observed: "all 4 in one page",
    resolution:
      "moto ignores max-uploads and answers every upload with IsTruncated=false. The client follows IsTruncated, " +
      "so it still sees every upload exactly once (the check goes on to verify that)."
  }
]
