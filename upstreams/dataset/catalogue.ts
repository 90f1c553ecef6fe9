import type { OdooData, OdooRecord, ShopifyVariant } from './types.ts';
import type { Random } from './random.ts';
import { PLACES } from './places.ts';
import { CURRENCIES, Decimal, fixed } from './money.ts';
import { DAY_MS, dateOnly, isoSeconds, odooDatetime } from './formats.ts';

export interface Catalogue {
  odoo: Omit<OdooData, 'res.partner' | 'sale.order' | 'account.move'>;
  variants: ShopifyVariant[];
  /** The ERP's rate for a currency on a date: units per one USD (latest dated on or before it). */
  rateOn: (currency: string, ms: number) => Decimal;
}

const ADJECTIVES = ['Walnut', 'Linen', 'Copper', 'Slate', 'Cedar', 'Indigo', 'Amber', 'Frost'];
const NOUNS = ['Desk Lamp', 'Notebook', 'Mug', 'Backpack', 'Chair', 'Keyboard', 'Throw', 'Planter'];
const PRICES = ['12.50', '19.99', '24.00', '39.95', '59.00', '89.90', '129.00', '249.99'];
const WAREHOUSES = [{ id: 1, name: 'San Francisco', code: 'SF' }, { id: 2, name: 'Berlin', code: 'BER' }];
const RATE_START = Date.UTC(2023, 11, 29);

export function generateCatalogue(rng: Random, productCount: number, now: number): Catalogue {
  const products: OdooRecord[] = [];
  const variants: ShopifyVariant[] = [];
  const quants: OdooRecord[] = [];
  for (let j = 0; j < productCount; j++) {
    const sku = `SKU-${1001 + j}`;
    const title = `${ADJECTIVES[j % ADJECTIVES.length]} ${NOUNS[Math.floor(j / ADJECTIVES.length) % NOUNS.length]}${j >= 64 ? ` ${j}` : ''}`;
    const price = rng.pick(PRICES);
    products.push({ id: 900 + j, default_code: sku, name: title, list_price: Number(price), write_date: odooDatetime(now - j * DAY_MS) });
    variants.push({ id: 40_000 + j, sku, title, price, updatedAt: isoSeconds(now - j * DAY_MS) });
    for (const wh of WAREHOUSES) {
      if (j % 5 === 4 && wh.id === 2) continue; // some products are stocked in one warehouse only
      quants.push({
        id: quants.length + 1, product_id: [900 + j, `[${sku}] ${title}`], warehouse_id: [wh.id, wh.name],
        quantity: rng.int(0, 120), reserved_quantity: rng.int(0, 10),
      });
    }
  }

  // Weekly rates for EUR and JPY: units per one USD, with six decimals as Odoo keeps them.
  const rates: OdooRecord[] = [{ id: 1, currency_id: [1, 'USD'], name: dateOnly(RATE_START), rate: 1, company_rate: 1 }];
  const table = new Map<string, { date: number; rate: Decimal }[]>([['USD', [{ date: RATE_START, rate: new Decimal(1) }]]]);
  for (const [code, base, step] of [['EUR', 0.91, 0.004], ['JPY', 148.2, 0.9]] as const) {
    const currency = CURRENCIES.find((c) => c.code === code)!;
    let value = base;
    const series: { date: number; rate: Decimal }[] = [];
    for (let d = RATE_START; d <= now; d += 7 * DAY_MS) {
      value += (rng.float() - 0.5) * step * 2;
      const rate = new Decimal(value.toFixed(6));
      series.push({ date: d, rate });
      rates.push({ id: rates.length + 1, currency_id: [currency.id, code], name: dateOnly(d), rate: rate.toNumber(), company_rate: rate.toNumber() });
    }
    table.set(code, series);
  }
  const rateOn = (currency: string, ms: number): Decimal => {
    const series = table.get(currency)!;
    let found = series[0].rate;
    for (const point of series) if (point.date <= ms) found = point.rate;
    return found;
  };

  return {
    odoo: {
      'product.product': products,
      'stock.quant': quants,
      'stock.warehouse': WAREHOUSES.map((w) => ({ ...w })),
      'res.currency': CURRENCIES.map((c) => ({ id: c.id, name: c.code, decimal_places: c.scale, active: true })),
      'res.currency.rate': rates,
      'res.country': PLACES.map((p) => ({ id: p.odooId, name: p.odooName, code: p.code })),
      'account.payment.term': [{ id: 1, name: 'Immediate Payment' }, { id: 2, name: '30 Days' }, { id: 3, name: '45 Days' }],
    },
    variants,
    rateOn,
  };
}

export { fixed };
