/** An authenticator that counts each refusal by its reason, and otherwise is the one it wraps. */
import type { Authenticator } from '../auth/authenticator.ts';
import { AuthenticationError, type AuthFailureReason } from '../auth/principal.ts';

export function countingAuthFailures(authenticator: Authenticator, count: (reason: AuthFailureReason) => void): Authenticator {
  return {
    async authenticate(headers, url) {
      try {
        return await authenticator.authenticate(headers, url);
      } catch (err) {
        if (err instanceof AuthenticationError) count(err.reason);
        throw err;
      }
    },
  };
}
