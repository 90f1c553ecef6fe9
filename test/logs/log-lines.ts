/** Reading the JSON log lines a test's stack wrote (every process appends to one file). */
import { readFileSync } from 'node:fs';

export interface LogLine {
  level: number;
  service: string;
  msg: string;
  requestId?: string;
  [field: string]: unknown;
}

export function readLogLines(file: string): LogLine[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogLine);
}
