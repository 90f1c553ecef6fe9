/** Which unified-customer request each client sends next: by email over the dataset's customers, a page of 20, or both. */
import type { QueryMix } from './options.ts';
import type { GraphQLRequest } from './request.ts';
import { UNIFIED_BY_EMAIL, UNIFIED_PAGE } from './queries.ts';

export interface RequestMix {
  /** What is sent, for the printout. */
  description: string;
  next(client: number, n: number): GraphQLRequest;
  /** Every distinct request once: the warm-up, so that no phase pays for cold caches (query plans, handle lookups). */
  distinct: GraphQLRequest[];
}

/** In "mix", every tenth request of a client is the page. Clients walk the emails from different places. */
export function requestMix(mix: QueryMix, emails: string[], clients: number): RequestMix {
  if (emails.length === 0) throw new Error('the dataset has no customer emails');
  const byEmail = (client: number, n: number): GraphQLRequest =>
    ({ query: UNIFIED_BY_EMAIL, variables: { email: emails[(client + n * clients) % emails.length] } });
  const page: GraphQLRequest = { query: UNIFIED_PAGE };
  const emailText = `README's unified-customer query, customers(first: 1, filter: { email: $email }), over the ${emails.length} customers' emails`;
  const everyEmail = emails.map((_, i) => byEmail(i, 0));
  switch (mix) {
    case 'email': return { description: emailText, next: byEmail, distinct: everyEmail };
    case 'page': return { description: 'README\'s unified-customer selection over customers(first: 20) (the first page)', next: () => page, distinct: [page] };
    case 'mix': return {
      description: `${emailText}; every tenth request customers(first: 20) instead`,
      next: (c, n) => (n % 10 === 9 ? page : byEmail(c, n)),
      distinct: [...everyEmail, page],
    };
  }
}
