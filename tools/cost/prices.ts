/**
 * What every cloud's price table shares: public on-demand list prices in USD, one region per
 * cloud. Each cloud's figures and the pages they come from sit beside its cost rules
 * (`providers/<cloud>/cost.ts`).
 *
 * Recorded 2026-11-22 without network access, from the providers' public price pages named in
 * each cloud's `sources` as last read (2025 list prices); none were fetched on that date. Prices
 * change and differ by region, so check the named pages before relying on a figure, and update
 * `recordedOn` with any cloud's table. Anything no cloud's table prices is reported as "not
 * estimated", never as zero.
 */
export const hoursPerMonth = 730;

export const priceBook = {
  recordedOn: "2026-11-22",
  currency: "USD",
  hoursPerMonth,
} as const;
