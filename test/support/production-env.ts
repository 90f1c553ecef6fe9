/** The least env a gateway starts with in production mode: secrets of its own, an issuer and an audience. */
export const PRODUCTION_ENV: NodeJS.ProcessEnv = {
  NODE_ENV: 'production',
  AUTH_HS256_SECRET: 'a-production-client-token-secret-0123456789',
  INTERNAL_TOKEN_SECRET: 'a-production-internal-token-secret-0123456789',
  AUTH_ISSUER: 'https://id.example.test/',
  AUTH_AUDIENCE: 'crm-graph',
};
