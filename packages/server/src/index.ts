/** The platform server: REST API, store, artifacts, orchestrator, agent hub and merged results. */
export * from './artifacts/artifacts.ts';
export * from './store/store.ts';
export { FileArtifacts } from './artifacts/file-artifacts.ts';
export { SqliteStore } from './store/sqlite-store.ts';
