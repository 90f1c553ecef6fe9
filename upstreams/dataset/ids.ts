/**
 * The generator's id scheme: the i-th customer's record in each system. Kept in one place so that
 * a deliberate broken link can name the id a customer without a record would have had: a gap below
 * the highest id, which the stand-ins never hand out again (they create records at the highest id + 1).
 */
export const contactIdOf = (i: number): string => String(101 + i);
export const partnerIdOf = (i: number): number => 10 + i;
export const shopCustomerIdOf = (i: number): number => 7_391_000 + i;

/** A Shopify customer's global id, as HubSpot's shop_customer_id property stores it. */
export const shopCustomerGid = (id: number): string => `gid://shopify/Customer/${id}`;

/** An ERP partner's customer number: "C00042". */
export const customerRefOf = (partnerId: number): string => `C${String(partnerId).padStart(5, '0')}`;
