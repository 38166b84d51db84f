/**
 * The simulation kit (`import … from "@resumable-upload/sim"`): the semantic multipart model both the simulated
 * store and the local server obey, the fault-injecting network around it, and a clock that moves only when told.
 * Use it to test code that drives uploads, deterministically, with seeded faults.
 *
 * @since 0.2.0
 */
export * as MultipartModel from "./MultipartModel.ts"
export * as SimClock from "./SimClock.ts"
export * as SimNetwork from "./SimNetwork.ts"
export * as SimObjectStore from "./SimObjectStore.ts"
