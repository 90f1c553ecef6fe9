/** Runs the social subgraph alone: `node --import tsx subgraphs/social/main.ts`. */
import { startSubgraph } from '../shared/server.ts';
import { readSocialConfig } from './config.ts';
import { socialSubgraph } from './index.ts';

const config = readSocialConfig(process.env);
const running = await startSubgraph(socialSubgraph(config), config.listen);
console.log(`social subgraph at ${running.url} (Mastodon at ${config.mastodon.baseUrl})`);

const stop = async () => {
  await running.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
