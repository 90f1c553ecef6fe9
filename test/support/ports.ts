export { freePort } from '../../upstreams/replicas/processes.ts';
