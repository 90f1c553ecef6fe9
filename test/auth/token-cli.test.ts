import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { jwtVerify } from 'jose';
import { DEV_AUTH_HS256_SECRET } from '../../gateway/auth/auth-config.ts';

const CLI = fileURLToPath(new URL('../../gateway/auth/token-cli.ts', import.meta.url));
const run = promisify(execFile);
const devEnv = () => {
  const env = { ...process.env };
  for (const name of ['NODE_ENV', 'AUTH_HS256_SECRET', 'AUTH_JWKS_URL', 'AUTH_JWKS_FILE', 'AUTH_ISSUER', 'AUTH_AUDIENCE']) delete env[name];
  return env;
};

describe('npm run token', () => {
  it('prints a development token with the scopes, subject, client and lifetime asked for', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', CLI, '--scope', 'customers:read pii:read', '--sub', 'alice', '--ttl', '10m', '--client', 'cli'], { env: devEnv() });
    const { payload } = await jwtVerify(stdout.trim(), new TextEncoder().encode(DEV_AUTH_HS256_SECRET), { algorithms: ['HS256'] });
    expect(payload).toMatchObject({ sub: 'alice', client_id: 'cli', scope: 'customers:read pii:read' });
    expect(payload.exp! - payload.iat!).toBe(600);
  });

  it('adds the configured issuer and audience', async () => {
    const env = { ...devEnv(), AUTH_ISSUER: 'https://id.example.test/', AUTH_AUDIENCE: 'crm-graph' };
    const { stdout } = await run(process.execPath, ['--import', 'tsx', CLI, '--scope', 'customers:read'], { env });
    const { payload } = await jwtVerify(stdout.trim(), new TextEncoder().encode(DEV_AUTH_HS256_SECRET), { issuer: 'https://id.example.test/', audience: 'crm-graph' });
    expect(payload.sub).toBe('developer');
  });

  it('refuses in production mode, printing no token', async () => {
    const failure = await run(process.execPath, ['--import', 'tsx', CLI, '--scope', 'customers:read'], { env: { ...devEnv(), NODE_ENV: 'production' } }).catch((e) => e);
    expect(failure.code).toBe(1);
    expect(failure.stdout).toBe('');
    expect(failure.stderr).toContain('refused in production mode');
  });

  it('explains its usage when --scope is missing', async () => {
    const failure = await run(process.execPath, ['--import', 'tsx', CLI], { env: devEnv() }).catch((e) => e);
    expect(failure.code).toBe(2);
    expect(failure.stderr).toContain('Usage: npm run -s token -- --scope');
  });
});
