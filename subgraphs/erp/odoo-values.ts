/** Reading Odoo's ugly values: `false` for empty, many2one as `[id, display_name]`, float money. */
import { Decimal, toDecimal } from '../shared/money.ts';
import { emptyToNull } from '../shared/text.ts';

/** A char/text/date field: Odoo's `false` and blank strings become null. */
export const text = (value: unknown): string | null => (typeof value === 'string' ? emptyToNull(value) : null);

/** The id of a many2one, or null when unset. */
export const many2oneId = (value: unknown): number | null =>
  Array.isArray(value) && typeof value[0] === 'number' ? value[0] : null;

/** The display name of a many2one (for a currency, its ISO code), or null when unset. */
export const many2oneName = (value: unknown): string | null =>
  Array.isArray(value) && typeof value[1] === 'string' ? emptyToNull(value[1]) : null;

/** An Odoo float (money or quantity) as an exact decimal of the 15 significant digits a float keeps; `false` is 0. */
export const odooDecimal = (value: unknown): Decimal =>
  typeof value === 'number' && Number.isFinite(value) ? toDecimal(value) : new Decimal(0);
