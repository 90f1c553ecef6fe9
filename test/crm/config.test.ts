import { describe, expect, it } from 'vitest';
import { readCrmConfig } from '../../subgraphs/crm/config.ts';
import { DEV_INTERNAL_TOKEN_SECRET } from '../../subgraphs/shared/config.ts';

describe('readCrmConfig', () => {
  it('defaults to the embedded HubSpot stand-in with its development token', () => {
    expect(readCrmConfig({})).toEqual({
      hubspot: { baseUrl: 'http://127.0.0.1:4101', credential: 'pat-dev-hubspot-standin', timeoutMs: 5000 },
      listen: { port: 4001, host: '127.0.0.1', internalAuth: { secret: DEV_INTERNAL_TOKEN_SECRET }, shutdownGraceMs: 10_000, log: { level: 'info' } },
      recordCache: { ttlMs: 30_000, maxEntries: 10_000, databaseUrl: null },
    });
  });

  it('reads HUBSPOT_URL, HUBSPOT_TOKEN, HUBSPOT_TIMEOUT_MS, CRM_PORT, LOG_LEVEL, LOG_FILE, CRM_RECORD_TTL_MS and RECORD_CACHE_MAX', () => {
    expect(readCrmConfig({ HUBSPOT_URL: 'https://api.hubapi.com/', HUBSPOT_TOKEN: 'pat-na1-x', HUBSPOT_TIMEOUT_MS: '2500', CRM_PORT: '5001', LOG_LEVEL: 'warn', LOG_FILE: '/var/log/crm.log', CRM_RECORD_TTL_MS: '0', RECORD_CACHE_MAX: '500' })).toEqual({
      hubspot: { baseUrl: 'https://api.hubapi.com', credential: 'pat-na1-x', timeoutMs: 2500 },
      listen: { port: 5001, host: '127.0.0.1', internalAuth: { secret: DEV_INTERNAL_TOKEN_SECRET }, shutdownGraceMs: 10_000, log: { level: 'warn', file: '/var/log/crm.log' } },
      recordCache: { ttlMs: 0, maxEntries: 500, databaseUrl: null },
    });
  });

  it('refuses a LOG_LEVEL pino does not know, naming it', () => {
    expect(() => readCrmConfig({ LOG_LEVEL: 'verbose' })).toThrow('LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent: verbose');
  });

  it('refuses a timeout that is not a positive integer, naming it', () => {
    expect(() => readCrmConfig({ HUBSPOT_TIMEOUT_MS: 'soon' })).toThrow('HUBSPOT_TIMEOUT_MS must be a positive integer: soon');
  });
});
