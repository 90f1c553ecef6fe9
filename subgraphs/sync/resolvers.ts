/** The mutations: each checks its idempotency key, then runs its operation. Payload entities are references the gateway resolves. */
import type { IncomingMessage } from 'node:http';
import type { WriteContext } from './context.ts';
import { resolveKey, withIdempotency, type IdempotencyOptions } from './idempotency.ts';
import { updateCustomer, type CustomerPayload } from './update-customer.ts';
import { createCustomer } from './create-customer.ts';
import { cancelOrder, type OrderPayload } from './cancel-order.ts';
import type { CustomerInput } from './input.ts';
import { principalOf } from '../shared/internal-auth.ts';

export interface SyncRequestContext {
  /** The Idempotency-Key header of the request, if any. */
  idempotencyHeader?: string;
}

export const requestContext = (req: IncomingMessage): SyncRequestContext => {
  const header = req.headers['idempotency-key'];
  return { idempotencyHeader: typeof header === 'string' ? header : undefined };
};

interface KeyArgs { idempotencyKey?: string | null }

export function createResolvers(ctx: WriteContext, idempotency: IdempotencyOptions) {
  const once = <A extends KeyArgs, T>(mutation: string, args: A, request: SyncRequestContext, work: () => Promise<T>) => {
    const { idempotencyKey: _key, ...input } = args;
    const key = resolveKey(args.idempotencyKey, request.idempotencyHeader);
    // Keys are the caller's own: two clients that both pick "1" never see each other's results.
    const scoped = key === null ? null : `${principalOf(request)?.subject ?? ''}\u0000${key}`;
    return withIdempotency(idempotency, scoped, mutation, input, work);
  };
  const customerPayload = (p: CustomerPayload) => ({ customer: { __typename: 'Customer', id: p.customerId }, sync: p.sync });
  const orderPayload = (p: OrderPayload) => ({ order: { __typename: 'Order', id: p.orderId }, sync: p.sync });

  return {
    Mutation: {
      createCustomer: async (_: unknown, args: { input: CustomerInput & { email: string } } & KeyArgs, request: SyncRequestContext) =>
        customerPayload(await once('createCustomer', args, request, () => createCustomer(ctx, args.input))),
      updateCustomer: async (_: unknown, args: { id: string; expectedVersion: string; input: CustomerInput } & KeyArgs, request: SyncRequestContext) =>
        customerPayload(await once('updateCustomer', args, request, () => updateCustomer(ctx, args.id, args.expectedVersion, args.input))),
      cancelOrder: async (_: unknown, args: { id: string; expectedVersion: string; reason?: string | null } & KeyArgs, request: SyncRequestContext) =>
        orderPayload(await once('cancelOrder', args, request, () => cancelOrder(ctx, args.id, args.expectedVersion, args.reason ?? null))),
    },
  };
}
