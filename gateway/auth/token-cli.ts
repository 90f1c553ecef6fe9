/**
 * `npm run -s token -- --scope "customers:read pii:read" [--sub alice] [--ttl 1h] [--client cli]`: prints a
 * client token signed with the gateway's HS256 secret (the development secret unless AUTH_HS256_SECRET is
 * set), with AUTH_ISSUER and AUTH_AUDIENCE when they are set. Refused in production mode.
 */
import { parseArgs } from 'node:util';
import { readAuthConfig } from './auth-config.ts';
import { signDevToken } from './dev-token.ts';

const usage = 'Usage: npm run -s token -- --scope "customers:read pii:read" [--sub alice] [--ttl 1h] [--client cli]';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: { scope: { type: 'string' }, sub: { type: 'string', default: 'developer' }, ttl: { type: 'string', default: '1h' }, client: { type: 'string' } } }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    return 2;
  }
  if (values.scope === undefined || values.sub === '') {
    console.error(usage);
    return 2;
  }
  if (process.env.NODE_ENV === 'production') {
    console.error('npm run token signs development tokens and is refused in production mode (NODE_ENV=production): get tokens from your identity provider.');
    return 1;
  }
  let auth;
  try {
    auth = readAuthConfig(process.env);
  } catch (err) {
    console.error((err as Error).message);
    return 1;
  }
  if (auth.hs256Secret === null) {
    console.error('The gateway accepts only JWKS-signed tokens here (AUTH_JWKS_URL or AUTH_JWKS_FILE without AUTH_HS256_SECRET): get tokens from your identity provider.');
    return 1;
  }
  const scopes = values.scope.split(' ').filter(Boolean);
  try {
    console.log(await signDevToken(auth.hs256Secret, { scopes, subject: values.sub, clientId: values.client, ttl: values.ttl, issuer: auth.issuer, audience: auth.audience }));
  } catch {
    // jose refuses a duration it cannot read ("1h", "30 min", "2 days" are fine).
    console.error(`--ttl is not a duration: ${values.ttl}\n${usage}`);
    return 2;
  }
  return 0;
}

process.exitCode = await main();
