import path from 'node:path';
import { RuleTester } from 'eslint';
import { describe, expect, it } from 'vitest';
import { noCrossWorkspaceImport, workspaceOf } from '../src/rules/no-cross-workspace-import.ts';
import { noExportAll } from '../src/rules/no-export-all.ts';

// RuleTester reports each case as a test of the running framework.
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const tester = new RuleTester({ languageOptions: { ecmaVersion: 'latest', sourceType: 'module' } });

// A virtual repository: nothing is read from disk for files inside listed workspaces.
const root = path.resolve('/repo');
const options = [{ root, workspaces: ['services/catalog', 'services/platform', 'test/kit', 'test/e2e', 'bench'] }];
const at = (file: string) => path.join(root, file);

tester.run('shopwatch/no-cross-workspace-import', noCrossWorkspaceImport, {
  valid: [
    { code: "import { buildCatalogApp } from '../../src/app.ts';", filename: at('services/catalog/test/routes/x.test.ts'), options },
    { code: "import { startShop } from '@shopwatch/testkit';", filename: at('services/catalog/test/routes/x.test.ts'), options },
    { code: "export { createApp } from './http/create-app.ts';", filename: at('services/platform/src/index.ts'), options },
    { code: "const m = await import('./support/shop.ts');", filename: at('test/e2e/x.int.test.ts'), options },
    { code: "import { summary } from '../support.ts';", filename: at('bench/catalog/deep/run.ts'), options },
  ],
  invalid: [
    {
      code: "import { startShop } from '../../../../test/e2e/support/shop.ts';",
      filename: at('services/catalog/test/scenarios/x.int.test.ts'),
      options,
      errors: [{ messageId: 'leaves', data: { source: '../../../../test/e2e/support/shop.ts', workspace: 'services/catalog', target: 'test/e2e/support/shop.ts' } }],
    },
    {
      code: "export { createApp } from '../../platform/src/http/create-app.ts';",
      filename: at('services/catalog/src/index.ts'),
      options,
      errors: [{ messageId: 'leaves' }],
    },
    {
      code: "const kit = await import('../../test/kit/src/wait.ts');",
      filename: at('bench/checkout/run.ts'),
      options,
      errors: [{ messageId: 'leaves' }],
    },
  ],
});

tester.run('shopwatch/no-export-all', noExportAll, {
  valid: ["export { waitFor } from './wait.ts';", "export { WaitOptions as Options } from './wait.ts';"],
  invalid: [
    { code: "export * from './wait.ts';", errors: [{ messageId: 'exportAll', data: { source: './wait.ts' } }] },
    { code: "export * as k8s from './k8s.ts';", errors: [{ messageId: 'exportAll' }] },
  ],
});

describe('workspaceOf', () => {
  it('takes the innermost listed workspace, and none for the root itself', () => {
    const ws = ['bench', 'bench/chart', 'services/catalog'];
    expect(workspaceOf(at('bench/chart/run.ts'), root, ws)).toBe(at('bench/chart'));
    expect(workspaceOf(at('bench/catalog/run.ts'), root, ws)).toBe(at('bench'));
    expect(workspaceOf(at('vitest.config.ts'), root, ws)).toBeUndefined();
  });
});
