/** The engine's HTTP client: create one per VU, share one DNS cache per run. */
export { createHttpClient, defaultTimeoutMs } from './client.ts';
export { createDnsCache } from './dns-cache.ts';
export { maxBodyBytes, maxHeadBytes } from './response-parser.ts';
export type { CreateHttpClient, DnsCache, HttpClient, HttpClientOptions } from './types.ts';
