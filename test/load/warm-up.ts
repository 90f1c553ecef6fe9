/** Sends each request once, as many at a time as there are clients; answers are not counted in any phase. */
import { send, type GraphQLRequest } from './request.ts';

const REQUEST_TIMEOUT_MS = 30_000;

/** Resolves with how many answers were not ok. */
export async function warmUp(url: string, clientTokens: string[], requests: GraphQLRequest[]): Promise<number> {
  let next = 0;
  let failed = 0;
  const worker = async (token: string) => {
    while (next < requests.length) {
      const outcome = await send(url, token, requests[next++], AbortSignal.timeout(REQUEST_TIMEOUT_MS));
      if (!outcome.ok) failed += 1;
    }
  };
  await Promise.all(clientTokens.map(worker));
  return failed;
}
