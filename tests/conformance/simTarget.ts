/**
 * The simulated store as a conformance target: the multipart model behind a network that delivers every request,
 * in either dialect. Its part minimum is scaled down (1 KiB) so the checks stay fast; every other rule is the
 * model's own, which is what the local server serves too.
 */
import { MultipartModel } from "../../adapters/sim/MultipartModel.ts"
import { SimNetwork } from "../../adapters/sim/SimNetwork.ts"
import * as SimObjectStore from "../../adapters/sim/SimObjectStore.ts"
import type { Dialect } from "../../core/Limits.ts"
import type { ConformanceTarget } from "./target.ts"

const partSizeBytesMin = 1024

export const simTarget = (dialect: Dialect): ConformanceTarget => ({
  name: dialect === "oss" ? "sim-oss" : "sim-s3",
  dialect,
  partSizeBytesMin,
  open: async () => {
    const model = new MultipartModel({
      dialect,
      limits: {
        partCountMax: 10_000,
        partSizeBytesMin,
        partSizeBytesMax: 64 * 1024 * 1024,
        objectSizeBytesMax: 1024 * 1024 * 1024,
        listPageSizeMax: 1000
      }
    })
    const network = new SimNetwork()
    network.autoFate = "Deliver"
    const store = SimObjectStore.make(model, network, { nowMs: Date.now })
    return { store, bucket: "conformance", close: async () => undefined }
  }
})
