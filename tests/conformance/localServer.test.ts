/**
 * The conformance suite against the local server over HTTP: the OSS dialect through the OSS adapter, the S3 dialect
 * (a listener whose default dialect is S3) through the S3 adapter, each with its dialect's real part minimum.
 */
import { describeConformance } from "./conformanceSuite.ts"
import { localOssTarget, localS3Target } from "./localServerTarget.ts"

describeConformance(localOssTarget)
describeConformance(localS3Target)
