/**
 * A streaming decoder of aws-chunked bodies (`<hex size>[;ext]\r\n<bytes>\r\n` … `0\r\n`, then trailer lines such as
 * `x-amz-checksum-crc32:<base64>` and an empty line), fed the raw body as it arrives. Data comes out as views into
 * the fed chunks, so decoding copies nothing; only the short size and trailer lines are buffered, each bounded.
 *
 * @since 0.1.0
 */

// A size line (`<hex>;chunk-signature=<64 hex>`) or a trailer line is short; anything longer is not aws-chunked.
const lineBytesMax = 4096
const CR = 13
const LF = 10

type State = "size" | "data" | "dataEnd" | "trailers" | "done"

/** @category models */
export class AwsChunkedDecoder {
  private state: State = "size"
  private line: Array<number> = []
  private remainingBytes = 0
  private problem: string | undefined
  /** Trailers, lowercase names. */
  readonly trailers: Record<string, string> = {}

  /** What is wrong with the body so far, if anything; once set, nothing more is decoded. */
  get error(): string | undefined {
    return this.problem
  }

  /** Feeds raw bytes; calls `onData` with each piece of decoded data, in order. */
  push(raw: Uint8Array, onData: (data: Uint8Array) => void): void {
    let at = 0
    while (at < raw.length && this.problem === undefined) {
      if (this.state === "data") {
        const take = Math.min(this.remainingBytes, raw.length - at)
        onData(raw.subarray(at, at + take))
        at += take
        this.remainingBytes -= take
        if (this.remainingBytes === 0) this.state = "dataEnd"
      } else if (this.state === "done") {
        this.problem = "bytes follow the trailers"
      } else {
        at = this.takeLine(raw, at)
      }
    }
  }

  /** Checks the body ended where it may; returns the problem, if any. */
  finish(): string | undefined {
    if (this.problem !== undefined) return this.problem
    if (this.state === "trailers" && this.line.length === 0) this.state = "done"
    if (this.state === "done") return undefined
    if (this.state === "trailers") return "a trailer line is missing its CRLF or is too long"
    return this.state === "size"
      ? "a chunk size line is missing or too long"
      : "a chunk is shorter than its size line says"
  }

  /** Gathers one CRLF-terminated line from `raw` at `at`; handles it when complete; returns where it stopped. */
  private takeLine(raw: Uint8Array, at: number): number {
    for (let i = at; i < raw.length; i++) {
      const byte = raw[i] ?? 0
      const last = this.line.at(-1)
      if (byte === LF && last === CR) {
        this.line.pop()
        const text = String.fromCharCode(...this.line)
        this.line = []
        this.handleLine(text)
        return i + 1
      }
      this.line.push(byte)
      if (this.line.length > lineBytesMax) {
        this.problem =
          this.state === "trailers"
            ? "a trailer line is missing its CRLF or is too long"
            : "a chunk size line is missing or too long"
        return raw.length
      }
    }
    return raw.length
  }

  private handleLine(text: string): void {
    if (this.state === "dataEnd") {
      if (text !== "") this.problem = "a chunk is shorter than its size line says"
      else this.state = "size"
      return
    }
    if (this.state === "size") {
      const size = /^([0-9a-fA-F]{1,8})(;.*)?$/.exec(text)
      if (size === null) {
        this.problem = `bad chunk size line '${text.slice(0, 80)}'`
        return
      }
      this.remainingBytes = Number.parseInt(size[1] ?? "", 16)
      this.state = this.remainingBytes === 0 ? "trailers" : "data"
      return
    }
    // Trailers: an empty line ends them.
    if (text === "") {
      this.state = "done"
      return
    }
    const colon = text.indexOf(":")
    if (colon <= 0) {
      this.problem = `bad trailer line '${text.slice(0, 80)}'`
      return
    }
    this.trailers[text.slice(0, colon).trim().toLowerCase()] = text.slice(colon + 1).trim()
  }
}
