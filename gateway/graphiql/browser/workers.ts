/**
 * Where Monaco (GraphiQL 5's editor) gets its web workers: files the gateway serves beside the page,
 * built from the installed monaco-editor and monaco-graphql (bundle.ts), never a CDN. Imported first.
 */
/** Module workers: the bundle is ES modules throughout (bundle.ts). */
const worker = (name: string) => new Worker(new URL(`./${name}.worker.js`, import.meta.url), { type: 'module' });

(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    if (label === 'json') return worker('json');
    if (label === 'graphql') return worker('graphql');
    return worker('editor');
  },
};
