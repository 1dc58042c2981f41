// A relative import that leaves its workspace (`../../test/e2e/support/shop.ts` from a service's
// test) couples two packages behind the back of their package.json and tsconfig references: the
// file moves, or its workspace changes, and a distant build breaks. Shared code is imported by
// package name (`@shopwatch/testkit`), through the package's named exports.
//
// A workspace is one of the `workspaces` directories (the npm workspaces and the tsconfig
// projects, relative to `root`); a file outside all of them belongs to its nearest directory
// holding a package.json or tsconfig.json.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Rule } from 'eslint';

interface Options {
  /** The repository root (default: ESLint's working directory). */
  root?: string;
  /** Workspace directories relative to `root`. */
  workspaces?: string[];
}

const inside = (dir: string, file: string): boolean => file === dir || file.startsWith(dir + path.sep);

/** The workspace directory `file` belongs to, or undefined when it belongs to none (the root itself). */
export function workspaceOf(file: string, root: string, workspaces: readonly string[]): string | undefined {
  const listed = workspaces
    .map((w) => path.resolve(root, w))
    .filter((dir) => inside(dir, file))
    .sort((a, b) => b.length - a.length)[0];
  if (listed) return listed;
  for (let dir = path.dirname(file); inside(root, dir) && dir !== root; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) || existsSync(path.join(dir, 'tsconfig.json'))) return dir;
  }
  return undefined;
}

export const noCrossWorkspaceImport: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid relative imports that leave their workspace; import the other package by name.' },
    messages: {
      leaves: "'{{source}}' leaves the workspace {{workspace}} (into {{target}}): import it by package name (e.g. @shopwatch/testkit) through its named exports.",
    },
    schema: [
      {
        type: 'object',
        properties: { root: { type: 'string' }, workspaces: { type: 'array', items: { type: 'string' } } },
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const options = (context.options[0] ?? {}) as Options;
    const root = path.resolve(options.root ?? context.cwd);
    const file = path.resolve(context.filename);
    const workspace = workspaceOf(file, root, options.workspaces ?? []);
    if (!workspace) return {};

    const check = (node: Rule.Node, source: unknown): void => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), source);
      if (inside(workspace, target)) return;
      const rel = (p: string) => path.relative(root, p) || '.';
      context.report({ node, messageId: 'leaves', data: { source, workspace: rel(workspace), target: rel(target) } });
    };

    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => check(node, node.source?.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source.value : undefined),
    };
  },
};
