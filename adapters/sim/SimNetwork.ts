/**
 * The simulator's network: every store request is parked here until a controller decides its fate.
 *
 * A fate is what a real network can do to a request: deliver it, drop it before the server sees it, lose the
 * answer after the server applied it, or come back with a 5xx or a throttle. A request the client gives up on
 * (interruption) may still reach the server, as a half-sent request sometimes does; `onAbandoned` decides that.
 * The semantic model stays untouched by any of this: a fate only chooses whether and when `apply` runs.
 *
 * @since 0.1.0
 */
import { ObjectStoreError, type Operation } from "@resumable-upload/core/ports/ObjectStore"

/** @category models */
export type Fate = "Deliver" | "Drop" | "LoseResponse" | "ServerError" | "Throttle"

/** What the log keeps of a request. @category models */
export interface RequestRecord {
  readonly id: number
  readonly operation: Operation
  readonly uploadId?: string
  readonly partNumber?: number
  /** Tag of the client that sent it; the simulator uses one per process run. */
  readonly client: number
  fate?: Fate | "Abandoned" | "AbandonedApplied"
  /** Whether the client was told it succeeded. */
  succeeded?: boolean
}

/** A parked request. @category models */
export interface Pending {
  readonly record: RequestRecord
  /** Runs the request on the server; returns the client's answer. */
  readonly apply: () =>
    | { readonly ok: true; readonly value: unknown }
    | { readonly ok: false; readonly error: ObjectStoreError }
  readonly answer: (
    result: { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: ObjectStoreError }
  ) => void
}

/** @category models */
export class SimNetwork {
  /** Parked requests, oldest first. */
  readonly pending: Array<Pending> = []
  /** Every request ever sent, in order. */
  readonly log: Array<RequestRecord> = []
  client = 0
  private nextId = 1

  /** Decides whether a request the client abandoned still reaches the server. Default: it does not. */
  onAbandoned: (record: RequestRecord) => boolean = () => false
  /**
   * When set, requests are settled at once instead of being parked: with this fate, or with what the function
   * returns for the request (`undefined` parks it). Unit tests script faults this way.
   */
  autoFate: Fate | ((record: RequestRecord) => Fate | undefined) | undefined = undefined

  park(
    operation: Operation,
    ids: { readonly uploadId?: string; readonly partNumber?: number },
    apply: Pending["apply"],
    answer: Pending["answer"]
  ): () => void {
    const record: RequestRecord = { id: this.nextId++, operation, client: this.client, ...ids }
    this.log.push(record)
    const pending: Pending = { record, apply, answer }
    const fate = typeof this.autoFate === "function" ? this.autoFate(record) : this.autoFate
    if (fate !== undefined) {
      this.settle(pending, fate)
      return () => {}
    }
    this.pending.push(pending)
    return () => {
      const index = this.pending.indexOf(pending)
      if (index < 0) return
      this.pending.splice(index, 1)
      const applied = this.onAbandoned(record)
      if (applied) pending.apply()
      record.fate = applied ? "AbandonedApplied" : "Abandoned"
    }
  }

  /** Settles the pending request at `index` with `fate`. */
  decide(index: number, fate: Fate): RequestRecord {
    const [pending] = this.pending.splice(index, 1)
    if (pending === undefined) throw new RangeError(`no pending request at ${index}`)
    this.settle(pending, fate)
    return pending.record
  }

  private settle(pending: Pending, fate: Fate): void {
    const { record } = pending
    record.fate = fate
    const fault = (status: number, code: string, message: string, reason: "Transport" | "Remote" = "Remote") =>
      pending.answer({ ok: false, error: errorOf(record.operation, reason, status, code, message) })
    switch (fate) {
      case "Deliver": {
        const result = pending.apply()
        record.succeeded = result.ok
        pending.answer(result)
        return
      }
      case "Drop":
        fault(0, "", "connection reset before the request reached the server", "Transport")
        return
      case "LoseResponse":
        pending.apply()
        fault(0, "", "connection reset before the response arrived", "Transport")
        return
      case "ServerError":
        fault(500, "InternalError", "We encountered an internal error. Please try again.")
        return
      case "Throttle":
        fault(503, "SlowDown", "Please reduce your request rate.")
        return
    }
  }
}

const errorOf = (operation: Operation, reason: "Transport" | "Remote", status: number, code: string, message: string) =>
  new ObjectStoreError({ operation, reason, status, code, message, requestId: `sim-${operation}` })
