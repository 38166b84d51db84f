/**
 * The DeleteObjects (S3) / DeleteMultipleObjects (OSS) request body: `<Delete>` with an optional `<Quiet>` and one
 * `<Object><Key>` per key (at most 1000; a `<VersionId>` is ignored, this server keeps no versions). Read with the
 * project's bounded XML reader and Effect Schemas (adapters/http), as the Complete body is.
 *
 * @since 0.1.0
 */
import { makeXmlReader } from "@resumable-upload/http/XmlDocument"
import { BooleanFromText, ListOf } from "@resumable-upload/http/XmlSchemas"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"

/** Both stores take at most 1000 keys per request. @category constants */
export const deleteKeysMax = 1000

/** @category models */
export interface DeleteRequest {
  readonly quiet: boolean
  readonly keys: ReadonlyArray<string>
}

const DeleteBody = Schema.Struct({
  Quiet: Schema.optionalKey(BooleanFromText),
  Object: ListOf(Schema.Struct({ Key: Schema.String }), deleteKeysMax)
})

const readXml = makeXmlReader({ listPaths: ["Delete.Object"] })

/** The keys to delete, in document order, or why the body is MalformedXML. @category decoding */
export const parseDeleteBody = (text: string, maxChars: number): Result.Result<DeleteRequest, string> => {
  const read = readXml(text, maxChars)
  if (Result.isFailure(read)) return Result.fail(read.failure.message)
  if (read.success.root !== "Delete") return Result.fail(`expected <Delete>, got <${read.success.root}>`)
  const decoded = Schema.decodeUnknownResult(DeleteBody)(read.success.content)
  if (Result.isFailure(decoded))
    return Result.fail(`the <Delete> body lists no valid <Object>s (at most ${deleteKeysMax})`)
  const { Object: objects, Quiet } = decoded.success
  if (objects.length === 0) return Result.fail("the <Delete> body lists no <Object>")
  return Result.succeed({ quiet: Quiet ?? false, keys: objects.map((object) => object.Key) })
}
