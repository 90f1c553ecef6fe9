import type { OdooRecord, ShopifyOrder, ShopMoneyBag } from './types.ts';
import type { Random } from './random.ts';
import type { Catalogue } from './catalogue.ts';
import type { CustomerPlan } from './generate.ts';
import { CURRENCIES, convertMinor, odooFloat, rateMicros, toMinor, type Decimal, type Minor } from './money.ts';
import { DAY_MS, dateOnly, isoSeconds, odooDatetime } from './formats.ts';

const FINANCIAL = ['PAID', 'PAID', 'PAID', 'PAID', 'PAID', 'PAID', 'PAID', 'PENDING', 'AUTHORIZED', 'PARTIALLY_PAID', 'REFUNDED', 'PARTIALLY_REFUNDED'];
const ORDER_START = Date.UTC(2025, 0, 1);
const cents = (units: bigint): Minor => ({ units, scale: 2 });

export interface GeneratedOrders {
  shopOrders: ShopifyOrder[];
  saleOrders: OdooRecord[];
  invoices: OdooRecord[];
}

/**
 * Shop orders for customers that have a shop record, with the ERP sales orders and invoices that
 * mirror them. About a fifth are paid in another presentment currency; the most recent ones and a
 * few others have no ERP sales order yet.
 */
export function generateOrders(rng: Random, count: number, plans: CustomerPlan[], catalogue: Catalogue, now: number): GeneratedOrders {
  const buyers = plans.filter((p) => p.shopCustomerId !== null);
  const times = Array.from({ length: count }, () => rng.instant(ORDER_START, now - DAY_MS)).sort((a, b) => a - b);
  const out: GeneratedOrders = { shopOrders: [], saleOrders: [], invoices: [] };
  if (buyers.length === 0) return out;

  // Prices and rates in minor units, once per variant and per rate (see Minor in money.ts).
  const priceOf = new Map(catalogue.variants.map((v) => [v, toMinor(v.price)]));
  const microsOf = new Map<Decimal, bigint>();
  const usdRate = rateMicros(1);
  times.forEach((placed, k) => {
    const buyer = rng.pick(buyers);
    const presentment = rng.chance(0.2) ? rng.pick(['EUR', 'JPY']) : 'USD';
    const rateDecimal = catalogue.rateOn(presentment, placed);
    let rate = microsOf.get(rateDecimal);
    if (rate === undefined) microsOf.set(rateDecimal, (rate = rateMicros(rateDecimal)));
    const bag = (usd: Minor): ShopMoneyBag => ({
      shopMoney: { amount: convertMinor(usd, usdRate, 'USD'), currencyCode: 'USD' },
      presentmentMoney: { amount: convertMinor(usd, rate, presentment), currencyCode: presentment },
    });
    const lines = Array.from({ length: rng.int(1, 4) }, () => {
      const variant = rng.pick(catalogue.variants);
      return { variant, quantity: rng.int(1, 3) };
    });
    const subtotal = cents(lines.reduce((sum, l) => sum + priceOf.get(l.variant)!.units * BigInt(l.quantity), 0n));
    // 8% tax, rounded half up to the cent (amounts are positive).
    const tax = cents((subtotal.units * 8n + 50n) / 100n);
    const total = cents(subtotal.units + tax.units);
    const cancelled = rng.chance(0.04);
    const recent = placed > now - 10 * DAY_MS;
    const financial = cancelled ? 'VOIDED' : recent ? rng.pick(['PENDING', 'AUTHORIZED', 'PAID']) : rng.pick(FINANCIAL);
    const fulfillment = cancelled || recent ? 'UNFULFILLED' : rng.chance(0.1) ? 'PARTIALLY_FULFILLED' : 'FULFILLED';
    const updated = Math.min(now, placed + rng.int(0, 20) * DAY_MS);
    const id = 450_000 + k;
    const name = `#${1001 + k}`;
    const [placedAt, updatedAt] = [isoSeconds(placed), isoSeconds(updated)];
    out.shopOrders.push({
      id, name, customerId: buyer.shopCustomerId, createdAt: placedAt, processedAt: placedAt,
      updatedAt, cancelledAt: cancelled ? updatedAt : null,
      displayFinancialStatus: financial, displayFulfillmentStatus: fulfillment,
      currencyCode: 'USD', presentmentCurrencyCode: presentment,
      subtotalPriceSet: bag(subtotal), totalTaxSet: bag(tax), totalPriceSet: bag(total),
      lineItems: lines.map((l) => ({
        sku: l.variant.sku, title: l.variant.title, quantity: l.quantity,
        originalUnitPriceSet: bag(priceOf.get(l.variant)!),
      })),
    });

    // No ERP sales order yet: recent orders, orders of customers without a partner, and a few strays.
    if (recent || buyer.erpPartnerId === null || rng.chance(0.03)) return;
    const currency = CURRENCIES.find((c) => c.code === presentment)!;
    const partnerName = partnerNameOf(buyer);
    const partner = (): [number, string] => [buyer.erpPartnerId!, partnerName];
    const writeDate = odooDatetime(updated);
    const money = (usd: Minor) => odooFloat(convertMinor(usd, rate, presentment));
    const saleId = 3000 + k;
    const saleName = `S${String(k + 1).padStart(5, '0')}`;
    const invoiceIds: number[] = [];
    const state = cancelled ? 'cancel' : financial === 'PENDING' ? rng.pick(['draft', 'sent']) : 'sale';
    if (state === 'sale') {
      const invoiceId = 5000 + k;
      invoiceIds.push(invoiceId);
      const paymentState = financial === 'PAID' ? rng.pick(['paid', 'paid', 'in_payment'])
        : financial === 'PARTIALLY_PAID' ? 'partial' : financial.includes('REFUNDED') ? 'reversed' : 'not_paid';
      // Half of a total in cents is exact in tenths of a cent.
      const due = paymentState === 'paid' || paymentState === 'in_payment' || paymentState === 'reversed' ? cents(0n)
        : paymentState === 'partial' ? { units: total.units * 5n, scale: 3 } : total;
      out.invoices.push({
        id: invoiceId, name: `INV/${new Date(placed).getUTCFullYear()}/${String(k + 1).padStart(5, '0')}`,
        move_type: 'out_invoice', partner_id: partner(), invoice_date: dateOnly(placed),
        invoice_date_due: rng.chance(0.1) ? false : dateOnly(placed + 30 * DAY_MS),
        amount_total: money(total), amount_residual: money(due), currency_id: [currency.id, presentment],
        state: rng.chance(0.05) ? 'draft' : 'posted', payment_state: paymentState, invoice_origin: saleName,
        write_date: writeDate,
      });
    }
    const warehouse = rng.pick([[1, 'San Francisco'], [2, 'Berlin']] as [number, string][]);
    out.saleOrders.push({
      id: saleId, name: saleName, partner_id: partner(), client_order_ref: name,
      date_order: odooDatetime(placed), state,
      amount_untaxed: money(subtotal), amount_tax: money(tax), amount_total: money(total), currency_id: [currency.id, presentment],
      warehouse_id: warehouse,
      effective_date: fulfillment === 'FULFILLED' && state === 'sale' ? odooDatetime(placed + rng.int(1, 5) * DAY_MS) : false,
      invoice_ids: invoiceIds, write_date: writeDate,
    });
  });
  return out;
}

/** Odoo's many2one carries the partner's display name: the buyer's, as its partner was generated. */
const partnerNameOf = (buyer: CustomerPlan): string => {
  const props = buyer.contact.properties;
  return [props.firstname, props.lastname].filter(Boolean).join(' ') || props.company || props.email || '';
};
