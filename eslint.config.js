// One lint setup for every workspace: type-aware rules that catch the bugs that matter
// in async service code (floating promises, misused promises) and keep imports consistent.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { shopwatchPlugin } from './lint/src/plugin.ts';

// The workspaces a relative import may not leave: the npm workspaces and the TypeScript projects.
const readJson = (file) => JSON.parse(readFileSync(join(import.meta.dirname, file), 'utf8'));
const workspaces = [...readJson('package.json').workspaces, ...readJson('tsconfig.json').references.map((r) => r.path)];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/.tsbuild/**', '**/dist/**', '.local/**', 'services/storefront/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Fastify treats async handlers and hooks specially; many are async without awaiting.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    plugins: { shopwatch: shopwatchPlugin },
    rules: {
      // lint/src/rules/no-cross-workspace-import.ts: another workspace is reached by package name.
      'shopwatch/no-cross-workspace-import': ['error', { workspaces }],
    },
  },
  {
    // The one exemption left outside the files themselves: test/drill reaches test/e2e's shop
    // starter until it moves into @shopwatch/testkit (startShop); the others are marked in place.
    files: ['test/drill/**/*.ts'],
    rules: { 'shopwatch/no-cross-workspace-import': 'off' },
  },
  {
    // The shared packages name their public surface: a reader (and the copy detector) sees what
    // each exports, and a helper added to a module is not published by accident.
    files: ['services/platform/src/**/*.ts', 'services/contracts/src/**/*.ts', 'test/kit/src/**/*.ts'],
    rules: { 'shopwatch/no-export-all': 'error' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
