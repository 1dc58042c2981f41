// Steering from the settings file: loadgen's rate and pause as configuration (a ConfigMap key in a
// cluster, so `helm upgrade --set loadgen.rate=5` or a Git commit changes the load without a
// restart). The file wins only when it changes: a PUT /control in between stays in force until
// the file says something new, so an operator's manual steering is not undone every 2 s.
import type { ControlUpdate } from './control.ts';

/** What the settings file may say about the load (its `loadgen` section). */
export interface FileSteering {
  rate?: number | undefined;
  paused?: boolean | undefined;
}

/** The update to apply now that the file says `next`, having last applied `applied` from it; undefined when nothing changed. */
export function steeringUpdate(applied: FileSteering | undefined, next: FileSteering): ControlUpdate | undefined {
  const update: ControlUpdate = {};
  if (next.rate !== undefined && next.rate !== applied?.rate) update.rate = next.rate;
  if (next.paused !== undefined && next.paused !== applied?.paused) update.paused = next.paused;
  return Object.keys(update).length > 0 ? update : undefined;
}
