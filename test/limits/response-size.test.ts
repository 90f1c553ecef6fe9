import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useStack } from '../e2e/harness.ts';
import { devAuthHeader } from '../support/dev-token.ts';

const page = (first: number) => `{ customers(first: ${first}) { edges { node { id name email phone address { city country } } } } }`;

describe('the response size cap', () => {
  const auditPath = join(mkdtempSync(join(tmpdir(), 'response-size-')), 'audit.db');
  const t = useStack({ env: { MAX_RESPONSE_BYTES: '10000', AUDIT_DB_PATH: auditPath } });

  it('replaces a response over MAX_RESPONSE_BYTES with RESPONSE_TOO_LARGE and serves smaller ones', async () => {
    const small = await t.gql(page(5));
    expect(small.body.errors).toBeUndefined();
    expect(small.body.data.customers.edges).toHaveLength(5);

    const large = await t.gql(page(100));
    expect(large.status).toBe(200);
    expect(large.body).toEqual({ data: null, errors: [{ message: 'The response is larger than 10000 bytes: ask for fewer records or fields.', extensions: { code: 'RESPONSE_TOO_LARGE' } }] });
  });

  it('records in the audit log only the personal data it sent', async () => {
    await t.gql(page(100), undefined, await devAuthHeader(undefined, { subject: 'too-large' }));
    await t.gql(page(2), undefined, await devAuthHeader(undefined, { subject: 'small-enough' }));
    const audit = await t.openAuditLog();
    try {
      expect(await audit.bySubject('too-large')).toEqual([]);
      expect(await audit.bySubject('small-enough')).toHaveLength(1);
    } finally {
      await audit.close();
    }
  });
});
