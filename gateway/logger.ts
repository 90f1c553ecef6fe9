/** The gateway's logger: the shared pino factory (subgraphs/shared/logging/logger.ts) with `service: gateway`. */
import { createLogger as createServiceLogger, type Logger } from '../subgraphs/shared/logging/logger.ts';

export type { Logger };

/** JSON lines on stdout, or appended to `file` (LOG_FILE; tests collect them to check that nothing private is logged). */
export function createLogger(level: string, file?: string): Logger {
  return createServiceLogger({ service: 'gateway', level, file });
}
