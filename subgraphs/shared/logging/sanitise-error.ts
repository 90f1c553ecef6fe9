/**
 * What of an error may be logged: its class, its registered code and the safe extensions beside it
 * (system, status, serviceName), and its stack frames. Never its message: upstream and driver messages
 * echo values (an email in a unique-constraint message, a phone in a validation error, a URL with a
 * token), so the message line of the stack is cut too. A cause chain is followed a few levels.
 */
export interface LoggedError {
  name: string;
  code?: string;
  system?: string;
  status?: number;
  serviceName?: string;
  /** The stack without its first line (which repeats the message): "at fn (file:line:col)" frames. */
  stack?: string;
  cause?: LoggedError;
}

const MAX_DEPTH = 3;
const MAX_FRAMES = 12;

export function errorForLog(err: unknown, depth = 0): LoggedError {
  // A GraphQLError wrapping a thrown error (a located resolver error): the thrown one is what failed.
  // Duck-typed: Apollo's copy of graphql (CommonJS) is not the one `instanceof` would check against.
  for (let inner = wrapped(err); inner; inner = wrapped(err)) err = inner;
  if (!(err instanceof Error)) return { name: err === null ? 'null' : typeof err };
  const extensions = (err as { extensions?: Record<string, unknown> }).extensions ?? {};
  const logged: LoggedError = { name: err.constructor?.name && err.constructor.name !== 'Object' ? err.constructor.name : err.name };
  const code = extensions.code ?? (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code)) logged.code = code;
  if (typeof extensions.system === 'string') logged.system = extensions.system;
  if (typeof extensions.status === 'number') logged.status = extensions.status;
  if (typeof extensions.serviceName === 'string') logged.serviceName = extensions.serviceName;
  const frames = framesOf(err);
  if (frames) logged.stack = frames;
  const cause = (err as { cause?: unknown }).cause;
  if (cause !== undefined && depth < MAX_DEPTH) logged.cause = errorForLog(cause, depth + 1);
  return logged;
}

function wrapped(err: unknown): Error | undefined {
  const inner = (err as { originalError?: unknown } | null)?.originalError;
  return inner instanceof Error && inner !== err ? inner : undefined;
}

/** Only the "at …" lines of a V8 stack: the lines before them are the message, however many it spans. */
function framesOf(err: Error): string | undefined {
  const frames = (err.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)).slice(0, MAX_FRAMES).map((l) => l.trim());
  return frames.length ? frames.join('\n') : undefined;
}
