/**
 * The conformance suite against moto (`python3 -m moto.server`), a second S3 implementation nobody on this project
 * wrote, through the S3 adapter. Skips with the reason when python3 cannot import moto; fails instead under
 * `MOTO_REQUIRED=1`, as in the CI's node stages.
 */
import { describe } from "@effect/vitest"
import { motoGate } from "../support/moto.ts"
import { describeConformance } from "./conformanceSuite.ts"
import { motoTarget } from "./motoTarget.ts"

const up = await motoGate("the conformance suite against moto")

if (up) describeConformance(motoTarget)
else describe.skip("conformance: moto (not installed)", () => describeConformance(motoTarget))
