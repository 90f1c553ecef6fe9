/**
 * The stand-in's mutable copy of its dataset slice, one table per model, rows in Odoo's `read` shape.
 * Every write goes through here so `write_date` (Odoo's change marker, second precision, naive UTC)
 * moves on each change, as it does in Odoo.
 */
import type { OdooData } from '../dataset/types.ts';
import { MODELS, displayNameOf, type ModelSpec } from './models.ts';
import type { OdooRow } from './domain.ts';
import { missingError, validationError, valueError } from './errors.ts';
import { createRecordIndexes, type RecordIndexes } from '../shared/record-index.ts';
import { copyData } from '../shared/copy-data.ts';

/** Odoo's naive UTC datetime, to the second: "2026-11-20 09:15:00". */
const odooNow = (date: Date): string => date.toISOString().slice(0, 19).replace('T', ' ');

/** Fields Odoo maintains itself and drops from `write` values. */
const LOG_ACCESS = new Set(['create_date', 'write_date']);

export class OdooStore {
  private readonly tables = new Map<string, Map<number, OdooRow>>();
  private readonly indexed = new Map<string, RecordIndexes<OdooRow>>();
  /** The highest id per model, for `create`. */
  private readonly lastIds = new Map<string, number>();

  constructor(data: OdooData, private readonly now: () => Date = () => new Date()) {
    for (const [name, spec] of Object.entries(MODELS)) {
      // withDefaults makes each row anew; its array values (many2one pairs, id lists) are copied there.
      const rows = (data[name as keyof OdooData] ?? []) as OdooRow[];
      this.tables.set(name, new Map(rows.map((row) => [row.id as number, withDefaults(row, spec)])));
    }
    const companies = this.tables.get('res.company')!;
    if (companies.size === 0) {
      // The dataset's first currency is the company currency (its rates are per one unit of it).
      const currency = this.rows('res.currency')[0];
      companies.set(1, withDefaults({ id: 1, name: 'Stand-in Company', currency_id: currency ? [currency.id, currency.name] : false }, MODELS['res.company']));
    }
  }

  /** The model's rows in storage order (the caller must not mutate them). */
  rows(model: string): OdooRow[] {
    return [...this.table(model).values()];
  }

  /** Sorted views and lookups over a model's rows (search.ts), kept up to date by write and create. */
  indexes(model: string): RecordIndexes<OdooRow> {
    let indexes = this.indexed.get(model);
    if (!indexes) {
      const table = this.table(model);
      this.indexed.set(model, (indexes = createRecordIndexes(() => table.values())));
    }
    return indexes;
  }

  /** The rows for `ids`, in that order; Odoo's MissingError when any is absent. */
  byIds(model: string, ids: number[]): OdooRow[] {
    const table = this.table(model);
    const missing = ids.filter((id) => !table.has(id));
    if (missing.length > 0) throw missingError(`Record does not exist or has been deleted.\n(Record: ${model}(${missing.join(', ')},), User: 2)`);
    return ids.map((id) => table.get(id)!);
  }

  /** Odoo's `write`: sets the values on every record and moves their write_date. */
  write(model: string, ids: number[], vals: Record<string, unknown>): void {
    const rows = this.byIds(model, ids);
    const changes = this.convert(model, vals);
    const stamp = odooNow(this.now());
    for (const row of rows) {
      Object.assign(row, changes, { write_date: stamp });
      this.indexed.get(model)?.changed(row);
    }
  }

  /** Odoo's `create`: one record per values dict, with the model's defaults; returns the new ids. */
  create(model: string, valsList: Record<string, unknown>[]): number[] {
    const table = this.table(model);
    const spec = MODELS[model];
    return valsList.map((vals) => {
      const id = (this.lastIds.get(model) ?? [...table.keys()].reduce((max, k) => Math.max(max, k), 0)) + 1;
      const stamp = odooNow(this.now());
      const row = withDefaults({ id, ...this.convert(model, vals), create_date: stamp, write_date: stamp }, spec);
      const unset = Object.entries(spec.fields).find(([name, f]) => f.required && (row[name] === false || row[name] === ''));
      if (unset) throw validationError(`The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Model: ${model}, Field: ${unset[0]}`);
      if (model === 'sale.order' && row.name === '/') row.name = `S${String(id).padStart(5, '0')}`;
      table.set(id, row);
      this.lastIds.set(model, id);
      this.indexed.get(model)?.changed(row);
      return id;
    });
  }

  private table(model: string): Map<number, OdooRow> {
    const table = this.tables.get(model);
    if (!table) throw valueError(`Unknown model ${model}`);
    return table;
  }

  /** Write values in storage shape: a many2one id becomes `[id, display_name]`, an x2many a list of ids. */
  private convert(model: string, vals: Record<string, unknown>): OdooRow {
    const spec = MODELS[model];
    const out: OdooRow = {};
    for (const [name, value] of Object.entries(vals)) {
      const field = spec.fields[name];
      if (!field || name === 'id') throw valueError(`Invalid field '${name}' on model '${model}'`);
      if (LOG_ACCESS.has(name)) continue;
      if (field.type === 'many2one' && typeof value === 'number') {
        out[name] = [value, displayNameOf(field.relation!, this.related(field.relation!, value, `${model}.${name}`))];
      } else if ((field.type === 'many2many' || field.type === 'one2many') && Array.isArray(value)) {
        out[name] = value.filter((v): v is number => typeof v === 'number');
      } else {
        out[name] = value === null ? false : value;
      }
    }
    return out;
  }

  /** The record a many2one points at; a dangling id is refused, as PostgreSQL's foreign key refuses it. */
  private related(relation: string, id: number, field: string): OdooRow {
    const row = this.tables.get(relation)?.get(id);
    if (!row) throw validationError(`The operation cannot be completed: ${field} refers to a ${relation} record that does not exist (id ${id}).`);
    return row;
  }
}

function withDefaults(row: OdooRow, spec: ModelSpec): OdooRow {
  const out: OdooRow = {};
  for (const [name, empty] of emptyValuesOf(spec)) out[name] = copyData(row[name]) ?? (Array.isArray(empty) ? [] : empty);
  return out;
}

/** Each field of a model with what it holds when a row has no value ([] for a to-many), worked out once per model: a store starts with 100 000 rows. */
const emptyValues = new WeakMap<ModelSpec, [string, unknown][]>();
function emptyValuesOf(spec: ModelSpec): [string, unknown][] {
  let fields = emptyValues.get(spec);
  if (!fields) emptyValues.set(spec, (fields = Object.entries(spec.fields).map(([name, field]) => [name, field.default ?? (field.type.endsWith('2many') ? [] : false)])));
  return fields;
}
