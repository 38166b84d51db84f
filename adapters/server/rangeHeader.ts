/**
 * The `Range` header of GetObject. OSS serves one range (`bytes=a-b`, `bytes=a-`, `bytes=-n`) with 206 and
 * `Content-Range`; a range it cannot use, malformed, multiple or outside the object, is ignored and the whole object
 * comes back with 200, unless the client sent `x-oss-range-behavior: standard`, which turns an out-of-bounds range
 * into 416 (OSS GetObject documentation).
 *
 * @since 0.1.0
 */

/** @category models */
export type RangeChoice =
  | { readonly kind: "whole" }
  | { readonly kind: "partial"; readonly startByte: number; readonly endByte: number }
  | { readonly kind: "unsatisfiable" }

const single = /^bytes=(\d{0,16})-(\d{0,16})$/

/** `endByte` is exclusive. @category utils */
export const chooseRange = (header: string | undefined, sizeBytes: number, standard: boolean): RangeChoice => {
  const whole: RangeChoice = { kind: "whole" }
  if (header === undefined) return whole
  const match = single.exec(header.trim())
  if (match === null) return whole
  const [, first = "", last = ""] = match
  if (first === "" && last === "") return whole
  let startByte: number
  let endByte: number
  if (first === "") {
    const suffix = Number(last)
    if (suffix === 0) return standard ? { kind: "unsatisfiable" } : whole
    startByte = Math.max(0, sizeBytes - suffix)
    endByte = sizeBytes
  } else {
    startByte = Number(first)
    endByte = last === "" ? sizeBytes : Number(last) + 1
    if (endByte <= startByte) return whole
  }
  if (startByte >= sizeBytes) return standard ? { kind: "unsatisfiable" } : whole
  return { kind: "partial", startByte, endByte: Math.min(endByte, sizeBytes) }
}
