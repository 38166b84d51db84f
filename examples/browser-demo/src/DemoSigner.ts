/**
 * The page's side of the signing endpoint: the stores' presigned mode with a function, so the page can ask for a
 * URL lifetime. A 4xx answer (a policy refusal, a malformed request) is handed back as it came, which the store
 * fails as a refusal with the endpoint's message (never retried); an unreachable endpoint or a 5xx throws, which
 * the store retries like a network error.
 */
import type { SignAnswer, SignRefusal, SignRequest } from "@resumable-upload/http/SignWire"

export type SignFunction = (request: SignRequest) => Promise<SignAnswer | SignRefusal>

export const signerAt =
  (signUrl: string, expiresInSeconds: number | undefined): SignFunction =>
  async (request) => {
    const body = expiresInSeconds === undefined ? request : { ...request, expiresInSeconds }
    const response = await fetch(signUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body)
    })
    const answer = (await response.json().catch(() => undefined)) as SignAnswer | SignRefusal | undefined
    if (answer !== undefined && (response.status === 200 || (response.status >= 400 && response.status < 500))) {
      return answer
    }
    throw new Error(`signing endpoint ${signUrl} answered ${response.status}`)
  }
