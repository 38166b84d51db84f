/**
 * The HTTP layer both dialects share (`import … from "@resumable-upload/http"`): one model of a store call, the
 * executor that sends it, the remote error every failed call becomes, and how request bodies reach `fetch`; below
 * them, the dialect-neutral primitives the OSS and S3 adapters build on (canonical-request text, WebCrypto hashing,
 * endpoint URLs, and the multipart XML documents). Applications rarely need more than `RequestBodyForm`.
 *
 * @since 0.2.0
 */

export * as CachedCredentials from "./CachedCredentials.ts"
export * as CompleteXml from "./CompleteXml.ts"
export * as Crypto from "./Crypto.ts"
export * as EndpointUrl from "./EndpointUrl.ts"
export * as HeaderMap from "./HeaderMap.ts"
export * as ObjectCalls from "./ObjectCalls.ts"
export * as RemoteErrors from "./RemoteErrors.ts"
export * as RemoteSigner from "./RemoteSigner.ts"
export * as RequestBodyForm from "./RequestBodyForm.ts"
export * as SignWire from "./SignWire.ts"
export * as StoreCall from "./StoreCall.ts"
export * as StoreExecutor from "./StoreExecutor.ts"
export * as UriEncoding from "./UriEncoding.ts"
export * as XmlErrorBody from "./XmlErrorBody.ts"
export * as XmlParse from "./XmlParse.ts"
export * as XmlText from "./XmlText.ts"
