/**
 * Where Monaco (GraphiQL 5's editor) gets its web workers: files the gateway serves beside the page,
 * built from the installed monaco-editor and monaco-graphql (bundle.ts), never a CDN. Imported first.
 */
const workerUrl = (name: string) => new URL(`./${name}.worker.js`, import.meta.url);

(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    if (label === 'json') return new Worker(workerUrl('json'));
    if (label === 'graphql') return new Worker(workerUrl('graphql'));
    return new Worker(workerUrl('editor'));
  },
};
