// psp's routes on its PostgreSQL ledger, the store the process runs on.
import { authorizationRouteSuite } from '../support/authorization-routes-suite.ts';
import { startPgPsp } from '../support/psp-fixture.ts';

authorizationRouteSuite(async () => {
  const pg = await startPgPsp('psp_routes');
  const psp = await pg.start({ random: () => 0.5 });
  return { ...psp, close: () => pg.close() };
});
