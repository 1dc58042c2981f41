// psp's routes on the memory store (the double payments' in-process tests use).
import { authorizationRouteSuite } from '../support/authorization-routes-suite.ts';
import { startPsp } from '../support/psp-fixture.ts';

// Faults with a rate draw "random() < rate": 0.5 keeps a rate of 1 firing and 0 silent.
authorizationRouteSuite(() => startPsp({ random: () => 0.5 }));
