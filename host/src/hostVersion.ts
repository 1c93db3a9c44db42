import { createRequire } from 'node:module';

/** The host package's version (from its package.json), which clustering transports announce. */
export const HOST_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
