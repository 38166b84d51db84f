/**
 * Where a conformance target answers differently from the S3 / OSS documentation: the one list of such cases.
 *
 * A check states the documented outcome and asks {@link expectedOutcome} what to expect from a target: the
 * documented outcome, unless an entry here names that check and target, in which case the observed deviation is
 * expected instead, for that target only. So a target that starts to follow the documentation fails its check, and
 * the entry must go. Outcomes are written `ok` or `<HTTP status> <error code>` (see ./outcome.ts).
 *
 * The rule (issue 4): where RGW or moto and the local server disagree, the local server is wrong unless S3's
 * documentation says otherwise. Every entry below is a deviation of RGW or moto (5.2.1) from S3's documentation; the
 * local server and the simulator follow the documentation in each case, so they need no entry.
 */
import type { CheckId, Disagreement } from "./checkIds.ts"
import { motoDisagreements } from "./motoDisagreements.ts"
import type { TargetName } from "./target.ts"

export type { CheckId, Disagreement } from "./checkIds.ts"

const s3Api = "https://docs.aws.amazon.com/AmazonS3/latest/API"

export const disagreements: ReadonlyArray<Disagreement> = [
  {
    check: "Complete answer ETag",
    target: "rgw",
    documented: "multipart ETag",
    source: `${s3Api}/API_CompleteMultipartUpload.html (response element ETag)`,
    observed: "empty ETag",
    resolution:
      'S3ObjectStore passes the empty <ETag> on as "", and the engine then verifies the object with HEAD, whose ' +
      "ETag RGW fills in (the check HEADs too). No change to the local server."
  },
  {
    check: "Complete with a subset of the uploaded parts",
    target: "rgw",
    documented: "ok",
    source: `${s3Api}/API_CompleteMultipartUpload.html and the S3 User Guide (mpuoverview): parts not listed are freed`,
    observed: "400 InvalidPart",
    resolution:
      "The engine always completes with exactly the parts it uploaded and verified, so it never sends a subset. " +
      "The local server keeps S3's documented behaviour."
  },
  {
    check: "Complete listing a part number twice",
    target: "rgw",
    documented: "400 InvalidPartOrder",
    source: `${s3Api}/API_CompleteMultipartUpload.html (InvalidPartOrder: list must be in ascending order)`,
    observed: "ok",
    resolution: "The engine lists each part once, in ascending order. The local server keeps the documented error."
  },
  {
    check: "UploadPart with a Content-MD5 that is not base64",
    target: "rgw",
    documented: "400 InvalidDigest",
    source: `${s3Api}/ErrorResponses.html (InvalidDigest: the Content-MD5 you specified is not valid)`,
    observed: "403 AccessDenied",
    resolution:
      "Base64 of the wrong length does get InvalidDigest from RGW; only text that is not base64 is AccessDenied. " +
      "The engine always sends the base64 of a real MD5, and both answers are final errors."
  },
  {
    check: "UploadPart number 0",
    target: "rgw",
    documented: "400 InvalidArgument",
    source: `${s3Api}/API_UploadPart.html (PartNumber: a positive integer between 1 and 10,000)`,
    observed: "ok",
    resolution: "The engine numbers parts 1..10,000 (PartPlan); the local server keeps rejecting the rest."
  },
  {
    check: "UploadPart number 10001",
    target: "rgw",
    documented: "400 InvalidArgument",
    source: `${s3Api}/API_UploadPart.html (PartNumber: a positive integer between 1 and 10,000)`,
    observed: "ok",
    resolution: "As for part 0: never sent by the engine; the local server keeps the documented limit."
  },
  {
    check: "ListParts after abort",
    target: "rgw",
    documented: "404 NoSuchUpload",
    source: `${s3Api}/API_ListParts.html and ErrorResponses.html (NoSuchUpload: aborted or completed)`,
    observed: "404 NoSuchKey",
    resolution: "The port's isNoSuchUpload counts ListParts' NoSuchKey as NoSuchUpload, so resume restarts cleanly."
  },
  {
    check: "ListParts after complete",
    target: "rgw",
    documented: "404 NoSuchUpload",
    source: `${s3Api}/ErrorResponses.html (NoSuchUpload: the upload may have been aborted or completed)`,
    observed: "404 NoSuchKey",
    resolution:
      "As after abort: isNoSuchUpload accepts NoSuchKey from ListParts. (environment.md §1.5 saw 200 here with the " +
      "AWS SDK; RGW 16.2.15 answers NoSuchKey to this adapter's signed ListParts.)"
  },
  {
    check: "Complete after abort",
    target: "rgw",
    documented: "404 NoSuchUpload",
    source: `${s3Api}/API_CompleteMultipartUpload.html (Errors: NoSuchUpload ... aborted or completed)`,
    observed: "500 InternalError",
    resolution:
      'RGW says "This multipart completion is already in progress". A 5xx is retryable, so the engine takes Complete ' +
      "as unanswered and HEADs the object (core/CommandRunner.ts); with no object there it fails with " +
      "CompletionUnconfirmed, where NoSuchUpload would also end in that HEAD. Only reachable when something else " +
      "aborted the upload before Complete."
  },
  {
    check: "Complete after complete",
    target: "rgw",
    documented: "404 NoSuchUpload",
    source: `${s3Api}/API_CompleteMultipartUpload.html (Errors: NoSuchUpload ... aborted or completed)`,
    observed: "ok",
    resolution:
      "RGW answers a repeated Complete with 200 and the object's ETag (filled in this time), which is what a client " +
      "retrying a lost answer wants; the engine verifies the object with HEAD either way. (environment.md §1.5 saw " +
      "InvalidPart with the AWS SDK.)"
  },
  ...motoDisagreements
]

/** What `target` is expected to answer in `check`: the documented outcome unless the registry says otherwise. */
export const expectedOutcome = (check: CheckId, target: TargetName, documented: string): string => {
  const entry = disagreements.find((d) => d.check === check && d.target === target)
  if (entry === undefined) return documented
  if (entry.documented !== documented) {
    throw new Error(`disagreements.ts: "${check}" says the docs give ${entry.documented}, the check says ${documented}`)
  }
  return entry.observed
}
