/**
 * The flags several commands share: the store flags (`--endpoint`, `--region`, …, `--config`), `--json` and
 * `--checkpoint-dir`, each with its help text. effect/cli prints no defaults by itself, so each description names
 * its default; `--config` lists the keys from `ConfigFile.ts`, so the help and the reader cannot disagree.
 *
 * @since 0.1.0
 */
import * as Flag from "effect/cli/Flag"
import * as Option from "effect/Option"
import { describeConfigKeys } from "./ConfigFile.ts"

/** Where the CLI keeps its state, relative to the working directory. */
export const home = ".resumable-upload"

/** A string flag that may be left out (`undefined` then). */
export const optional = <A>(flag: Flag.Flag<A>) => flag.pipe(Flag.optional, Flag.map(Option.getOrUndefined))

/** Flags every store-facing command takes (read by StoreConfig.ts). */
export const storeFlags = {
  endpoint: optional(
    Flag.String("endpoint").pipe(
      Flag.withDescription(
        "OSS or S3 endpoint URL (default: OSS_ENDPOINT, AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, then the config file, else the embedded local store)"
      )
    )
  ),
  region: optional(
    Flag.String("region").pipe(
      Flag.withDescription(
        "region id (default: OSS_REGION, or AWS_REGION or AWS_DEFAULT_REGION, then the config file, else cn-hangzhou for OSS and us-east-1 for S3)"
      )
    )
  ),
  signature: Flag.Literals("signature", ["v1", "v4"]).pipe(
    Flag.optional,
    Flag.map(Option.getOrUndefined),
    Flag.withDescription("OSS signature version (default v4)")
  ),
  addressing: Flag.Literals("addressing", ["path", "virtual-hosted"]).pipe(
    Flag.optional,
    Flag.map(Option.getOrUndefined),
    Flag.withDescription("S3 addressing (default: path for IP and localhost endpoints, else virtual-hosted)")
  ),
  checksum: Flag.Literals("checksum", ["auto", "none", "crc64nvme"]).pipe(
    Flag.optional,
    Flag.map(Option.getOrUndefined),
    Flag.withDescription("S3 additional checksum (default auto: CRC-64/NVME on AWS endpoints only)")
  ),
  dataDir: Flag.String("data-dir").pipe(
    Flag.withDefault(`${home}/data`),
    Flag.withDescription(`where the embedded local store keeps its data (default ${home}/data)`)
  ),
  config: optional(
    Flag.String("config").pipe(
      Flag.withDescription(
        `JSON config file (default: $RESUMABLE_UPLOAD_CONFIG), an object with any of the keys ${describeConfigKeys()}; flags and environment variables win over it`
      )
    )
  ),
  profile: optional(
    Flag.String("profile").pipe(
      Flag.withDescription(
        "profile in ~/.aws/credentials and ~/.aws/config (s3://; default: AWS_PROFILE, else default) or in ~/.ossutilconfig (oss://; default: its [Credentials] or [default] section); these files rank below flags, environment variables and --config"
      )
    )
  )
}
/** `--json`: machine-readable output. */
export const json = Flag.Boolean("json").pipe(Flag.withDefault(false), Flag.withDescription("one JSON object per line"))
/** `--checkpoint-dir`, for `put` and `checkpoints ls`. */
export const checkpointDir = Flag.String("checkpoint-dir").pipe(
  Flag.withDefault(`${home}/checkpoints`),
  Flag.withDescription(`where checkpoints are kept, one file per upload (default ${home}/checkpoints)`)
)
