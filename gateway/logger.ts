/**
 * The gateway's logger (pino, JSON lines on stdout). Log what a request did, never what it carried:
 * no variables, tokens, headers or response data; known secret-bearing keys are redacted as a backstop.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'gateway' },
    redact: { paths: ['authorization', '*.authorization', 'headers', '*.headers', 'variables', '*.variables', 'token', '*.token'], censor: '[redacted]' },
  });
}
