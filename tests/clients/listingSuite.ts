/**
 * The listing client tests as one suite that any S3 target runs: listingClients.test.ts against the local server,
 * listingClientsRgw.test.ts against Ceph RGW. A missing aws CLI, rclone or boto3 skips its test with the reason,
 * or fails it under CLIENTS_REQUIRED=1.
 */
import { describe, it } from "vitest"
import { awsCliScenario, boto3Scenario, rcloneScenario } from "./listingCliScenarios.ts"
import { awsSdkScenario, minioScenario } from "./listingSdkScenarios.ts"
import { rcloneBin, requireTool, type S3Target } from "./listingTools.ts"

/** `target` is read when the tests run, after the suite's `beforeAll` has started what it names. */
export const listingSuite = (title: string, target: () => S3Target, enabled = true): void => {
  describe.skipIf(!enabled)(title, { timeout: 120_000 }, () => {
    it("aws CLI: s3 mb, ls (buckets, prefix, --recursive), sync both ways, cp/rm --recursive, rb", async (context) => {
      await requireTool(context, "the aws CLI", ["aws", ["--version"]])
      await awsCliScenario(target())
    })
    it("rclone: mkdir, copy a directory, lsl, cat, check, purge", async (context) => {
      await requireTool(context, "rclone", [rcloneBin(), ["version"]])
      await rcloneScenario(target())
    })
    it("boto3: list_objects_v2 and list_objects paginators, delete_objects, delete_bucket", async (context) => {
      await requireTool(context, "boto3", ["python3", ["-c", "import boto3"]])
      await boto3Scenario(target())
    })
    it("minio-js with a region: listObjectsV2, listObjectsV2Query paging, removeObjects", () =>
      minioScenario(target(), "us-east-1"))
    it("minio-js without a region (asks GET ?location first)", () => minioScenario(target(), undefined))
    it("@aws-sdk/client-s3: paginateListObjectsV2, ListBuckets, DeleteObjects, HeadBucket", () =>
      awsSdkScenario(target()))
  })
}
