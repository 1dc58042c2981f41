// @shopwatch/dashboards: Grafana dashboards as code, and the SLO recording-rule names shared
// with the operator that writes those rules.
export { dashboardUid, UID_MAX_LENGTH } from './uid.ts';
export { SLI_BASE_WINDOW, SLO_LABELS, SLO_RECORDS } from './slo-records.ts';
export { buildServiceDashboard } from './service.ts';
export {
  buildCheckoutSagaDashboard,
  buildNodeRuntimeDashboard,
  buildShopOverviewDashboard,
  buildSloOverviewDashboard,
  COMPENSATION_STEPS,
  CROSS_SERVICE_REQUIREMENTS,
  crossServiceDashboards,
  SAGA_SERVICES,
} from './cross-service.ts';
export { HTTP_HISTOGRAM, HTTP_SYSTEM_PANELS, RESTARTS_PANEL, sloQueries, systemQueries } from './queries.ts';
export type { LinkInput, PanelInput, ServiceDashboardInput, SloInput, Visualisation } from './types.ts';
