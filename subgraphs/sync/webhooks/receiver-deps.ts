/** What the webhook receivers need: the inbox, the secrets, the clock, and a way to start the worker now. */
import type { InboxEventInput, InboxStore, WebhookSource } from '../store/types.ts';
import type { WebhookConfig } from '../config.ts';

export interface ReceiverDeps {
  store: InboxStore;
  secrets: Pick<WebhookConfig, 'hubspotAppSecret' | 'shopifySecret' | 'publicUrl'>;
  now: () => number;
  /** Called after events were stored: process them now rather than at the next tick. */
  wake: () => void;
  /** Called with the events of an accepted delivery before it is answered: the read subgraphs drop the records they name. */
  recordsChanged: (source: WebhookSource, events: InboxEventInput[]) => Promise<void>;
}
