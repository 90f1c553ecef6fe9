/** Runs the social subgraph alone: `node --import tsx subgraphs/social/main.ts`. */
import { startSubgraph } from '../shared/server.ts';
import { readSocialConfig } from './config.ts';
import { socialSubgraph } from './index.ts';
import { stopOnSignal } from '../shared/stop-on-signal.ts';

const config = readSocialConfig(process.env);
const running = await startSubgraph(socialSubgraph(config), config.listen);
console.log(`social subgraph at ${running.url} (Mastodon at ${config.mastodon.baseUrl})`);

stopOnSignal(() => running.close(), config.listen.shutdownGraceMs);
