/**
 * The conformance suite against Ceph RGW (a real S3 server nobody on this project wrote), through the S3 adapter.
 *
 * Skips with a message when RGW does not answer at `RGW_ENDPOINT` (start one with `bash .ci/ensure-rgw.sh`); fails
 * instead under `RGW_REQUIRED=1`, as in the CI's rgw stage.
 */
import { describe } from "@effect/vitest"
import { rgwGate } from "../support/rgw.ts"
import { describeConformance } from "./conformanceSuite.ts"
import { rgwTarget } from "./rgwTarget.ts"

const up = await rgwGate("the conformance suite against Ceph RGW")

if (up) describeConformance(rgwTarget)
else describe.skip("conformance: rgw (not running)", () => describeConformance(rgwTarget))
