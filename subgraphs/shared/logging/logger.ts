/**
 * The one pino factory of every process: the gateway, each subgraph and the sync service's workers.
 * JSON lines on stdout, or appended to a file. Log what a request did, never what it carried: no
 * variables, tokens, headers or response data; known secret-bearing keys are redacted as a backstop,
 * and errors go through `errorForLog` (sanitise-error.ts), never as they are.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

/** Where and how much a process logs (LOG_LEVEL, LOG_FILE). */
export interface LogSettings {
  /** pino level: trace, debug, info, warn, error, fatal or silent. */
  level: string;
  /** Append here instead of stdout; several processes may append to one file. */
  file?: string;
}

export interface LogOptions extends LogSettings {
  /** Names the process in every line (`service`): gateway, crm, erp, commerce, social, sync. */
  service: string;
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** LOG_LEVEL (default `info`) and LOG_FILE (default: stdout). Read by the gateway and every subgraph entry point. */
export function readLogSettings(env: NodeJS.ProcessEnv, defaultLevel = 'info'): LogSettings {
  const level = env.LOG_LEVEL || defaultLevel;
  if (!LEVELS.includes(level)) throw new Error(`LOG_LEVEL must be one of ${LEVELS.join(', ')}: ${level}`);
  return { level, ...(env.LOG_FILE && { file: env.LOG_FILE }) };
}

const REDACTED = ['authorization', '*.authorization', 'headers', '*.headers', 'variables', '*.variables', 'token', '*.token', 'credential', '*.credential'];

export function createLogger({ service, level, file }: LogOptions): Logger {
  const options = { level, base: { service }, redact: { paths: REDACTED, censor: '[redacted]' } };
  // sync: a line is written before the call returns, so a test reads it as soon as the response arrives.
  return file ? pino(options, pino.destination({ dest: file, sync: true })) : pino(options);
}

/** A logger that writes nothing (library callers and tests that do not look at logs). */
export const silentLogger = (): Logger => pino({ level: 'silent' });
