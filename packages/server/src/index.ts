/** The platform server: REST API, store, artifacts, orchestrator, agent hub and merged results. */
export { apiRoutes, buildApp } from './api/app.ts';
export type { ApiContext, ApiLimits } from './api/context.ts';
export { type ApiErrorCode, apiErrors } from './api/errors.ts';
export * from './artifacts/artifacts.ts';
export { FileArtifacts } from './artifacts/file-artifacts.ts';
export {
  type ArtifactsConfig,
  artifactsConfigFromEnv,
  openArtifacts,
  type S3Settings,
} from './artifacts/open-artifacts.ts';
export type { AuthOutcome, FirstAdmin, Principal } from './auth/auth.ts';
export { type OidcConfig, oidcConfigFromEnv } from './auth/oidc-config.ts';
export { type Access, allows, mayGrant } from './auth/roles.ts';
export { type LaunchersConfig, launchersConfigFrom, parseLaunchersConfig } from './launchers/launchers-config.ts';
export type { AgentExit, Launcher } from './orchestrator/launcher.ts';
export type { OrchestratorTiming } from './orchestrator/orchestrator.ts';
export { statsCsv, timelineCsv } from './report/report-csv.ts';
export { type ReportInput, type ReportSummary, renderReportHtml } from './report/report-html.ts';
export type { ServerRunSummary, TimelinePoint } from './results/run-summary.ts';
export type { SeedResult, SeedRow } from './results/seed-results.ts';
export { type RunningServer, type ServerOptions, type ServerPlugin, startServer } from './server.ts';
export { openStore, redactUrl, type StoreConfig, storeConfigFromEnv } from './store/open-store.ts';
export { SqliteStore } from './store/sqlite-store.ts';
export * from './store/store.ts';
