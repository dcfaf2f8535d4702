/** The platform server: REST API, store, artifacts, orchestrator, agent hub and merged results. */
export * from './artifacts/artifacts.ts';
export * from './store/store.ts';
