// The project's own lint rules (eslint.config.js registers them as `shopwatch/…`). Each keeps a
// structural promise of docs/architecture.md §1: shared packages name their exports, and a
// workspace reaches another only by package name.
import type { ESLint } from 'eslint';
import { noCrossWorkspaceImport } from './rules/no-cross-workspace-import.ts';
import { noExportAll } from './rules/no-export-all.ts';

export const shopwatchPlugin: ESLint.Plugin = {
  meta: { name: 'shopwatch' },
  rules: {
    'no-cross-workspace-import': noCrossWorkspaceImport,
    'no-export-all': noExportAll,
  },
};
