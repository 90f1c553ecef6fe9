/**
 * Odoo's JSON-2 error answers: a 4xx/5xx status and `{ name, message, arguments, context, debug }`,
 * where `name` is the Python exception's qualified name. Odoo's `UserError` family carries its own
 * status (AccessError 403, MissingError 404, ValidationError/UserError 422); werkzeug's HTTP
 * exceptions carry theirs; anything else is a 500.
 */
import type { StandInResponse } from '../shared/standin.ts';

/** An exception raised inside the stand-in, answered the way Odoo's Json2Dispatcher answers it. */
export class OdooFault extends Error {
  constructor(readonly status: number, readonly pythonName: string, message: string, readonly extraArguments: unknown[] = []) {
    super(message);
  }
}

export const missingError = (message: string) => new OdooFault(404, 'odoo.exceptions.MissingError', message);
export const validationError = (message: string) => new OdooFault(422, 'odoo.exceptions.ValidationError', message);
/** Bad domains, unknown fields and bad orders are plain Python errors in Odoo: a 500. */
export const valueError = (message: string) => new OdooFault(500, 'builtins.ValueError', message);

/** werkzeug's HTTP exceptions, whose message is the exception's description. */
export const notFound = () => new OdooFault(404, 'werkzeug.exceptions.NotFound',
  'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.', [404]);
export const unauthorized = (message: string) => new OdooFault(401, 'werkzeug.exceptions.Unauthorized', message, [401]);
export const methodNotAllowed = () => new OdooFault(405, 'werkzeug.exceptions.MethodNotAllowed',
  'The method is not allowed for the requested URL.', [405]);
export const badRequest = (message: string) => new OdooFault(400, 'werkzeug.exceptions.BadRequest', message, [400]);

/** The response body and status Odoo sends for a fault, traceback included as Odoo does in `debug`. */
export function faultResponse(fault: OdooFault, context: Record<string, unknown> = {}): StandInResponse {
  return {
    status: fault.status,
    body: {
      name: fault.pythonName,
      message: fault.message,
      arguments: [fault.message, ...fault.extraArguments],
      context,
      debug: `Traceback (most recent call last):\n  File "/opt/odoo/odoo/http.py", line 2212, in _transactioning\n    return service_model.retrying(func, env=self.env)\n${fault.pythonName}: ${fault.message}\n`,
    },
  };
}
