// buildDesired: the one entry point the reconcile loop calls. Pure: the same resource and
// settings always give the same objects (stable key order, no timestamps).
import type { ServiceObservability } from '../api/v1alpha1.ts';
import type { DesiredState, OperatorSettings } from './contract.ts';
import { buildServiceMonitor } from './service-monitor.ts';

export type { DesiredOutput, DesiredState, KubeObject, OperatorSettings, SpecProblem } from './contract.ts';
export { outputNames, MANAGED_BY_LABEL, MANAGED_BY_VALUE, OWNER_LABEL } from './meta.ts';

export function buildDesired(resource: ServiceObservability, settings: OperatorSettings): DesiredState {
  return {
    outputs: [{ condition: 'ScrapeReady', object: buildServiceMonitor(resource, settings) }],
    problems: [],
  };
}
