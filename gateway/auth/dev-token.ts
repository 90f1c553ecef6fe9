/** Client tokens signed with an HS256 secret, for development and tests (`npm run token`). */
import { SignJWT } from 'jose';

export interface DevTokenOptions {
  scopes: string[];
  subject: string;
  clientId?: string | null;
  /** A jose duration: "1h", "30m", "2 days". */
  ttl: string;
  issuer?: string | null;
  audience?: string | null;
}

export function signDevToken(secret: string, options: DevTokenOptions): Promise<string> {
  const jwt = new SignJWT({ scope: options.scopes.join(' '), ...(options.clientId ? { client_id: options.clientId } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.subject)
    .setIssuedAt()
    .setExpirationTime(options.ttl);
  if (options.issuer) jwt.setIssuer(options.issuer);
  if (options.audience) jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
