/**
 * What the CLI's store resolution yields: the ObjectStore layer a command runs on, and what to tell the user about
 * it. A module of its own so the resolver (StoreConfig.ts) and the stores it picks from (EmbeddedStore.ts,
 * RemoteStore.ts) all depend on it, and not on each other in a circle.
 *
 * @since 0.1.0
 */

import type { ObjectStore, ObjectStoreError } from "@resumable-upload/core/ports/ObjectStore"
import type * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"

/** @category models */
export interface ResolvedStore {
  readonly layer: Layer.Layer<ObjectStore>
  /** One line for humans: where the bytes go. */
  readonly description: string
  readonly embedded: boolean
  /** S3 stores only: `PUT /bucket` (a bucket already owned counts as created). */
  readonly createBucket?: (bucket: string) => Effect.Effect<void, ObjectStoreError>
}
