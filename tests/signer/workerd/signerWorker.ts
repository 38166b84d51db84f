/**
 * The signing endpoint as a workerd (Cloudflare Workers) module: `export default { fetch }` around the same
 * `signerHandler`, configured from a `CONFIG` text binding (store, keys, policy as JSON) the test writes. Bundled
 * with esbuild by tests/signer/signerWorkerd.test.ts; nothing Node-specific may reach it.
 */
import { type SignerOptions, signerHandler } from "../../../adapters/signer/signerHandler.ts"

interface Env {
  readonly CONFIG: string
}

let handler: ((request: Request) => Promise<Response>) | undefined

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    handler ??= signerHandler(JSON.parse(env.CONFIG) as SignerOptions)
    return handler(request)
  }
}
