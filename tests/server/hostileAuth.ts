/**
 * Hostile auth: requests signed correctly with the project's signers (OSS V1, OSS V4, SigV4), then tampered with
 * in one way each (signature, key id, secret, date, path, query, method, a signed header, the body), or with the
 * signature missing, garbled or repeated; and presigned URLs expired or altered. One variant in each is the
 * untampered control, so the test also shows that valid requests get through.
 */
import { head } from "../support/rawHttp.ts"
import {
  type Built,
  type CaseContext,
  type Choice,
  dialectOf,
  flipOne,
  type HostileCase,
  headerOf,
  piecesOf,
  signed,
  withHeader
} from "./hostileCase.ts"
import { type Auth, auths, keyId, pathOf, presignQuery, type Unsigned } from "./hostileSigning.ts"

const minuteMs = 60_000

const requestOf = (ctx: CaseContext, c: Choice, auth: Auth): Unsigned => {
  const kind = c.pick(["put", "get", "initiate", "listParts"] as const)
  if (kind === "put") {
    return {
      method: "PUT",
      bucket: ctx.bucket,
      key: `auth/${c.int(0, 99)}`,
      query: {},
      headers: { "content-type": "text/plain" },
      body: Buffer.from(`hostile ${c.int(0, 1e6)}`)
    }
  }
  if (kind === "get")
    return { method: "GET", bucket: ctx.bucket, key: ctx.objectKey, query: {}, headers: {}, body: Buffer.alloc(0) }
  if (kind === "initiate") {
    return {
      method: "POST",
      bucket: ctx.bucket,
      key: `auth/mp-${c.int(0, 9)}`,
      query: { uploads: "" },
      headers: {},
      body: Buffer.alloc(0)
    }
  }
  const uploadId = ctx.uploadIds[dialectOf(auth)]
  return {
    method: "GET",
    bucket: ctx.bucket,
    key: "seed/upload",
    query: { uploadId },
    headers: {},
    body: Buffer.alloc(0)
  }
}

/** The signature inside an `authorization` value: after `:` (V1) or `Signature=` (V4, SigV4). */
const tamperSignature = (value: string, c: Choice): string => {
  const at = value.includes("Signature=") ? value.indexOf("Signature=") + 10 : value.lastIndexOf(":") + 1
  return value.slice(0, at) + flipOne(value.slice(at), c)
}

const tampers = [
  "none",
  "missing",
  "signatureFlipped",
  "wrongSecret",
  "unknownKeyId",
  "expired",
  "future",
  "pathChanged",
  "queryAdded",
  "methodChanged",
  "dateHeaderChanged",
  "bodyChanged",
  "garbled",
  "repeated"
] as const

const badSignature = async (ctx: CaseContext, c: Choice): Promise<HostileCase> => {
  const auth = c.pick(auths)
  const r = requestOf(ctx, c, auth)
  const tamper = c.pick(tampers)
  const dateMs =
    tamper === "expired"
      ? Date.now() - c.int(16, 600) * minuteMs
      : tamper === "future"
        ? Date.now() + 20 * minuteMs
        : undefined
  const b = await signed(auth, r, ctx, {
    ...(dateMs === undefined ? {} : { dateMs }),
    ...(tamper === "wrongSecret" ? { secret: "not-the-secret" } : {})
  })
  const authorization = headerOf(b, "authorization") ?? ""
  const dateName = auth === "sigV4" ? "x-amz-date" : "x-oss-date"
  const altered: Record<(typeof tampers)[number], () => Built> = {
    none: () => b,
    missing: () => withHeader(b, "authorization", undefined),
    signatureFlipped: () => withHeader(b, "authorization", tamperSignature(authorization, c)),
    wrongSecret: () => b,
    unknownKeyId: () => withHeader(b, "authorization", authorization.replace(keyId, "someone-else")),
    expired: () => b,
    future: () => b,
    pathChanged: () => ({ ...b, path: b.path.replace(/\/([^/?]*)(\?|$)/, "/other-$1$2") }),
    queryAdded: () => ({ ...b, path: `${b.path}${b.path.includes("?") ? "&" : "?"}acl` }),
    methodChanged: () => ({ ...b, method: b.method === "GET" ? "DELETE" : "GET" }),
    dateHeaderChanged: () => {
      const date = headerOf(b, dateName) ?? ""
      return withHeader(
        b,
        dateName,
        date.replace(/\d(?=\D*$)/, (d) => String((Number(d) + 1) % 10))
      )
    },
    bodyChanged: () => ({ ...b, body: Buffer.from(b.body.toString("latin1").replace(/./, "X") || "X", "latin1") }),
    garbled: () =>
      withHeader(
        b,
        "authorization",
        c.pick(["OSS", "OSS :", "AWS4-HMAC-SHA256 Credential=", "Bearer x", "\u00e9\u00e9", "OSS4-HMAC-SHA256 ,,,"])
      ),
    repeated: () => ({ ...b, headers: [...b.headers, ["Authorization", tamperSignature(authorization, c)]] })
  }
  const sent = altered[tamper]()
  const fixed = withHeader(sent, "Content-Length", String(sent.body.length))
  // A changed body is harmless to V1/V4 OSS signatures, which do not cover it (no Content-MD5 was signed).
  // A repeated Authorization keeps the first, valid one: Node's parser drops repeats of that header.
  const valid = tamper === "none" || tamper === "repeated" || (tamper === "bodyChanged" && auth !== "sigV4")
  return {
    category: "badSignature",
    dialect: dialectOf(auth),
    variant: `${auth}:${tamper}`,
    exchange: { pieces: piecesOf(fixed) },
    authValid: valid,
    mustFail: false
  }
}

const presigned = async (ctx: CaseContext, c: Choice): Promise<HostileCase> => {
  const auth = c.pick(auths)
  const tamper = c.pick([
    "none",
    "expired",
    "signatureFlipped",
    "expiryExtended",
    "pathChanged",
    "methodChanged",
    "keyIdChanged",
    "plusHeaderAuth"
  ] as const)
  const r: Unsigned = {
    method: "GET",
    bucket: ctx.bucket,
    key: ctx.objectKey,
    query: {},
    headers: {},
    body: Buffer.alloc(0)
  }
  const expired = tamper === "expired"
  const query = await presignQuery(auth, r, {
    host: ctx.host,
    dateMs: expired ? Date.now() - c.int(2, 600) * minuteMs : Date.now(),
    expiresInSeconds: expired ? 60 : 600
  })
  const q: Record<string, string> = { ...query }
  const sigName = auth === "ossV1" ? "Signature" : auth === "ossV4" ? "x-oss-signature" : "X-Amz-Signature"
  const expiryName = auth === "ossV1" ? "Expires" : auth === "ossV4" ? "x-oss-expires" : "X-Amz-Expires"
  if (tamper === "signatureFlipped") q[sigName] = flipOne(q[sigName] ?? "", c)
  if (tamper === "expiryExtended") q[expiryName] = String(Number(q[expiryName] ?? 0) + 86_400)
  if (tamper === "keyIdChanged") {
    for (const [k, v] of Object.entries(q)) if (v.includes(keyId)) q[k] = v.replace(keyId, "someone-else")
  }
  const key = tamper === "pathChanged" ? `${ctx.objectKey}-other` : ctx.objectKey
  const method = tamper === "methodChanged" ? c.pick(["PUT", "DELETE", "HEAD"]) : "GET"
  const headers: Array<[string, string]> = [
    ["Host", ctx.host],
    ["Content-Length", "0"],
    ["Connection", "close"]
  ]
  if (tamper === "plusHeaderAuth") headers.push(["Authorization", `OSS ${keyId}:AAAA`])
  return {
    category: "presigned",
    dialect: dialectOf(auth),
    variant: `${auth}:${tamper}`,
    exchange: { pieces: [head(`${method} ${pathOf(ctx.bucket, key, q)} HTTP/1.1`, headers)] },
    // With a valid URL signature, a bogus Authorization header beside it may be ignored (the OSS dialect does).
    authValid: tamper === "none" || tamper === "plusHeaderAuth",
    mustFail: false
  }
}

export const authCase = { badSignature, presigned }
