/** The dlt client: typed REST calls and the live stream over `fetch`, for Node and browsers alike. */
export { ApiError, apiErrorFrom, clientErrorCodes } from './api-error.ts';
export * from './api-types.ts';
export { createClient, type DltClient, type TaskBundle } from './client.ts';
export { type LiveEvent, parseEvent, readEvents } from './live.ts';
export type { ClientOptions } from './request.ts';
