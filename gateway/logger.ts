/**
 * The gateway's logger (pino, JSON lines on stdout). Log what a request did, never what it carried:
 * no variables, tokens, headers or response data; known secret-bearing keys are redacted as a backstop.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON lines on stdout, or appended to `file` (tests collect them to check that nothing private is logged). */
export function createLogger(level: string, file?: string): Logger {
  const options = {
    level,
    base: { service: 'gateway' },
    redact: { paths: ['authorization', '*.authorization', 'headers', '*.headers', 'variables', '*.variables', 'token', '*.token'], censor: '[redacted]' },
  };
  return file ? pino(options, pino.destination({ dest: file, sync: true })) : pino(options);
}
