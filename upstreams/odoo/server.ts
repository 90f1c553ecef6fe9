/**
 * The Odoo stand-in: Odoo 19's external JSON-2 API (`POST /json/2/<model>/<method>`, `Authorization:
 * bearer <API key>`, `X-Odoo-Database`) over the dataset's ERP slice, values as ugly as Odoo's own.
 * It plays a server hosting several databases without a dbfilter, so the database header is needed:
 * without it (or with another name) no database is selected and the route does not exist (404).
 */
import type { Dataset } from '../dataset/types.ts';
import { startStandIn, type StandIn, type StandInRequest, type StandInResponse } from '../shared/standin.ts';
import { OdooStore } from './store.ts';
import { callMethod } from './methods.ts';
import { OdooFault, badRequest, faultResponse, methodNotAllowed, notFound, unauthorized } from './errors.ts';

export interface OdooStandInOptions {
  dataset: Dataset;
  /** The API key the stand-in accepts. */
  credential: string;
  /** The database name clients must send in X-Odoo-Database (default "standin"). */
  database?: string;
  port?: number;
  host?: string;
  /** The clock writes stamp write_date with (tests pin it). */
  now?: () => Date;
}

const ROUTE = /^\/json\/2\/([^/]+)\/([^/]+)$/;
const BEARER = /^bearer\s+(.+)$/i;

export async function startOdooStandIn(options: OdooStandInOptions): Promise<StandIn> {
  const store = new OdooStore(options.dataset.odoo, options.now);
  const database = options.database ?? 'standin';

  const authenticate = (req: StandInRequest): StandInResponse | null => {
    const refusal = refuse(req, database, options.credential);
    return refusal && faultResponse(refusal);
  };

  const route = (req: StandInRequest) => {
    const [, model, method] = ROUTE.exec(req.url.pathname)!;
    const endpoint = `POST /json/2/${model}/${method}`;
    const context = (req.body as { context?: Record<string, unknown> } | undefined)?.context ?? {};
    try {
      if (req.rawBody.trim() && req.body === undefined) throw badRequest('could not parse the body as json: Expecting value: line 1 column 1 (char 0)');
      return { endpoint, response: { status: 200, body: callMethod(store, model, method, req.body) } };
    } catch (err) {
      if (err instanceof OdooFault) return { endpoint, response: faultResponse(err, context) };
      throw err;
    }
  };

  return startStandIn({ name: 'odoo', port: options.port, host: options.host, authenticate, route });
}

/**
 * Odoo resolves the database before routing, and routing before authentication: an unknown database
 * is a 404, a wrong verb a 405, and only then a missing or wrong API key a 401.
 */
function refuse(req: StandInRequest, database: string, credential: string): OdooFault | null {
  if (req.headers['x-odoo-database'] !== database || !ROUTE.test(req.url.pathname)) return notFound();
  if (req.method !== 'POST') return methodNotAllowed();
  const key = BEARER.exec(String(req.headers.authorization ?? ''))?.[1]?.trim();
  return key === credential ? null : unauthorized('Invalid apikey');
}
