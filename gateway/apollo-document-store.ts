/**
 * Apollo Server's store of parsed documents (the authorizer's rewritten texts, one per document and scope
 * set), bounded by the characters of the texts it holds. Apollo's default bounds it at 30 MiB of the
 * documents' JSON, which in the heap is about twice that: a parsed document takes about 80 bytes per
 * character of its text (graphql-js keeps every token for its locations).
 */
import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';

/** Characters of document text kept (about 20 MB of parsed documents). */
const MAX_TEXT = 250_000;

/** What ApolloServer's `documentStore` option takes (KeyValueCache from @apollo/utils.keyvaluecache). */
export interface DocumentStore {
  get(key: string): Promise<DocumentNode | undefined>;
  set(key: string, value: DocumentNode): Promise<void>;
  delete(key: string): Promise<boolean>;
}

export function boundedDocumentStore(): DocumentStore {
  const documents = new LRUCache<string, DocumentNode>({ maxSize: MAX_TEXT, sizeCalculation: (document) => Math.max(1, document.loc?.source.body.length ?? 1) });
  return {
    get: async (key) => documents.get(key),
    set: async (key, value) => { documents.set(key, value); },
    delete: async (key) => documents.delete(key),
  };
}
