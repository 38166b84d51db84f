/**
 * The conformance suite: every check, against one target. Each target's test file calls {@link describeConformance}
 * so the same checks run on the simulator, the local server in both dialects, Ceph RGW and moto.
 */
import { afterAll, beforeAll, describe } from "@effect/vitest"
import { errorChecks } from "./errorChecks.ts"
import { goneUploadChecks } from "./goneUploadChecks.ts"
import { listingChecks } from "./listingChecks.ts"
import { operationChecks } from "./operationChecks.ts"
import { resumeCheck } from "./resumeCheck.ts"
import type { ConformanceTarget, Session } from "./target.ts"

export const describeConformance = (target: ConformanceTarget): void => {
  describe(`conformance: ${target.name} (${target.dialect}, ${target.partSizeBytesMin}-byte minimum part)`, () => {
    let opened: Session | undefined
    const session = (): Session => {
      if (opened === undefined) throw new Error(`${target.name} was not opened`)
      return opened
    }
    beforeAll(async () => {
      opened = await target.open()
    })
    afterAll(async () => {
      await opened?.close()
    })
    operationChecks(target, session)
    listingChecks(target, session)
    errorChecks(target, session)
    goneUploadChecks(target, session)
    resumeCheck(target, session)
  })
}
