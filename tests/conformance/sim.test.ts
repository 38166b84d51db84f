/** The conformance suite against the simulated store, in the OSS and the S3 dialect. */
import { describeConformance } from "./conformanceSuite.ts"
import { simTarget } from "./simTarget.ts"

describeConformance(simTarget("oss"))
describeConformance(simTarget("s3"))
