/**
 * The listing client suite (listingSuite.ts) against Ceph RGW: the same aws CLI, rclone, boto3, minio-js and
 * @aws-sdk/client-s3 runs as listingClients.test.ts makes against the local server, so a difference between the
 * two shows as a failure on one side (docs/compatibility.md lists the known ones). Skips with a message when RGW
 * does not answer at `RGW_ENDPOINT`; fails instead under `RGW_REQUIRED=1`.
 */
import { rgwCredentials, rgwEndpoint, rgwGate } from "../support/rgw.ts"
import { listingSuite } from "./listingSuite.ts"

const rgwUp = await rgwGate("the listing client suite against RGW")

listingSuite(
  "S3 clients list, sync and copy against Ceph RGW",
  () => ({ endpoint: rgwEndpoint, ...rgwCredentials, emptyErrorMessages: true }),
  rgwUp
)
