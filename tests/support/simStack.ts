/**
 * A simulated store, network and checkpoint store wired into one layer, for driver-level unit tests that need a
 * faithful store without the full scenario controller.
 */
import * as Layer from "effect/Layer"
import * as MemoryCheckpointStore from "../../adapters/portable/MemoryCheckpointStore.ts"
import * as PortableHasher from "../../adapters/portable/PortableHasher.ts"
import { MultipartModel } from "../../adapters/sim/MultipartModel.ts"
import { SimNetwork } from "../../adapters/sim/SimNetwork.ts"
import * as SimObjectStore from "../../adapters/sim/SimObjectStore.ts"
import * as CheckpointStore from "../../core/ports/CheckpointStore.ts"
import { ObjectStore } from "../../core/ports/ObjectStore.ts"

/** Small limits so a few hundred bytes make many parts. */
export const testLimits = {
  partCountMax: 10_000,
  partSizeBytesMin: 16,
  partSizeBytesMax: 1 << 20,
  objectSizeBytesMax: 1 << 30,
  listPageSizeMax: 4
}

export const makeStack = (
  options: {
    readonly dialect?: "oss" | "s3"
    readonly persistent?: boolean
    readonly emptyCompleteEtag?: boolean
    readonly limits?: typeof testLimits
    /** The store's clock (upload `Initiated` times); 0 unless a test needs real times. */
    readonly nowMs?: () => number
  } = {}
) => {
  const model = new MultipartModel({ dialect: options.dialect ?? "oss", limits: options.limits ?? testLimits })
  const network = new SimNetwork()
  network.autoFate = "Deliver"
  const store = SimObjectStore.make(model, network, {
    nowMs: options.nowMs ?? (() => 0),
    emptyCompleteEtag: options.emptyCompleteEtag ?? false
  })
  const storage = MemoryCheckpointStore.makeStorage()
  const checkpoints = CheckpointStore.make({ ...storage, persistent: options.persistent ?? true })
  const layer = Layer.mergeAll(
    Layer.succeed(ObjectStore, store),
    Layer.succeed(CheckpointStore.CheckpointStore, checkpoints),
    PortableHasher.layer
  )
  return { model, network, store, storage, checkpoints, layer }
}

export const bytesOf = (length: number, seed = 1): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7) & 255)
