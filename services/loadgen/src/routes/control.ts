// GET/PUT /control: the run-time steering wheel. No authentication: it listens for operators on
// loopback (make dev) or inside the cluster, where the gateway does not route to loadgen and a
// NetworkPolicy must keep it private — never expose it.
import { ProblemError, type App, problemResponses } from '@shopwatch/platform';
import type { LoadRunner } from '../plugins/runner.ts';
import { ControlState, ControlUpdateBody } from '../schemas/control.ts';

export function registerControlRoutes(app: App, runner: LoadRunner): void {
  const tags = ['control'];
  app.get('/control', { schema: { tags, response: { 200: ControlState } } }, async () => runner.view());

  app.put('/control', { schema: { tags, body: ControlUpdateBody, response: { 200: ControlState, ...problemResponses(400) } } }, async (request) => {
    const result = runner.update(request.body);
    if (!result.ok) {
      throw new ProblemError(400, 'validation', 'Invalid request', 'The control settings are out of bounds.', { errors: result.errors });
    }
    request.log.info({ control: request.body }, 'control changed');
    return runner.view();
  });
}
