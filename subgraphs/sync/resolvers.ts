/**
 * The mutations: each runs within the request's deadline, checks its idempotency key, then runs its
 * operation. Payload entities are references the gateway resolves. Also Query.writeStatus.
 */
import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { WriteContext } from './context.ts';
import { resolveKey, withIdempotency, type IdempotencyOptions } from './writes/idempotency.ts';
import { updateCustomer, type CustomerPayload } from './writes/update-customer.ts';
import { createCustomer, createdCustomer } from './writes/create-customer.ts';
import { cancelOrder, type OrderPayload } from './writes/cancel-order.ts';
import type { CustomerInput } from './writes/input.ts';
import { principalOf } from '../shared/internal-auth.ts';
import { withDeadline, type DeadlineScope } from '../shared/deadline.ts';
import type { DeadlineConfig } from './deadline-config.ts';
import { requestDeadline } from './request-deadline.ts';
import { currentSync, writeStatus } from './writes/write-status.ts';

export interface SyncRequestContext {
  /** The Idempotency-Key header of the request, if any. */
  idempotencyHeader?: string;
  /** By when this request must have answered, and how long each upstream call of it may take. */
  deadline: DeadlineScope;
}

/** Builds a request's context when it arrives (its deadline counts from then). */
export const createRequestContext = (config: DeadlineConfig) => (req: IncomingMessage): SyncRequestContext => {
  const header = req.headers['idempotency-key'];
  return { idempotencyHeader: typeof header === 'string' ? header : undefined, deadline: requestDeadline(req, config, Date.now) };
};

interface KeyArgs { idempotencyKey?: string | null }

/**
 * A mutation that fails has written nothing (a write that was or will be applied answers with its
 * parts instead: run-intent.ts); an outage's message says so, as VERSION_CONFLICT's does.
 */
function saysNothingWritten(err: unknown): unknown {
  if (!(err instanceof GraphQLError) || !['UPSTREAM_UNAVAILABLE', 'UPSTREAM_ERROR'].includes(String(err.extensions.code))) return err;
  return new GraphQLError(`${err.message} Nothing was written.`, { extensions: err.extensions });
}

/** The subject of the verified caller (the gateway's internal token), or null. */
const callerOf = (request: SyncRequestContext): string | null => principalOf(request)?.subject ?? null;

export function createResolvers(ctx: WriteContext, idempotency: IdempotencyOptions) {
  /** `work` gets the request's key as stored (scoped to the caller), or null. */
  const once = <A extends KeyArgs, T>(mutation: string, args: A, request: SyncRequestContext, work: (key: string | null) => Promise<T>) => {
    const { idempotencyKey: _key, ...input } = args;
    const key = resolveKey(args.idempotencyKey, request.idempotencyHeader);
    // Keys are the caller's own: two clients that both pick "1" never see each other's results.
    const scoped = key === null ? null : `${callerOf(request) ?? ''}\u0000${key}`;
    return withDeadline(request.deadline, () => withIdempotency(idempotency, scoped, mutation, input, () => work(scoped))).catch((err: unknown) => {
      throw saysNothingWritten(err);
    });
  };
  // A replayed answer reports the parts as they stand now (the outbox may have finished them since).
  const customerPayload = async (p: CustomerPayload) =>
    ({ customer: { __typename: 'Customer', id: p.customerId }, sync: await currentSync(ctx.store, p.writeId, p.sync), writeId: p.writeId ?? null });
  const orderPayload = async (p: OrderPayload) =>
    ({ order: { __typename: 'Order', id: p.orderId }, sync: await currentSync(ctx.store, p.writeId, p.sync), writeId: p.writeId ?? null });

  return {
    Query: {
      writeStatus: (_: unknown, args: { id: string }, request: SyncRequestContext) => writeStatus(ctx.store, args.id, callerOf(request)),
    },
    Mutation: {
      createCustomer: async (_: unknown, args: { input: CustomerInput & { email: string } } & KeyArgs, request: SyncRequestContext) =>
        customerPayload(await createdCustomer(ctx.store, await once('createCustomer', args, request, () => createCustomer(ctx, args.input, callerOf(request))))),
      updateCustomer: async (_: unknown, args: { id: string; expectedVersion: string; input: CustomerInput } & KeyArgs, request: SyncRequestContext) =>
        customerPayload(await once('updateCustomer', args, request, (key) => updateCustomer(ctx, args.id, args.expectedVersion, args.input, callerOf(request), key))),
      cancelOrder: async (_: unknown, args: { id: string; expectedVersion: string; reason?: string | null } & KeyArgs, request: SyncRequestContext) =>
        orderPayload(await once('cancelOrder', args, request, (key) => cancelOrder(ctx, args.id, args.expectedVersion, args.reason ?? null, callerOf(request), key))),
    },
  };
}
