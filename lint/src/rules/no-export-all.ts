// `export * from` hides what a package publishes: a reader (and the copy detector) cannot see
// what each module exports, and a helper added to a module is published by accident. The shared
// packages (platform, contracts, testkit) name their public surface instead.
import type { Rule } from 'eslint';

export const noExportAll: Rule.RuleModule = {
  meta: {
    type: 'suggestion',
    docs: { description: 'Name what a shared package exports (export { … } from) instead of export *.' },
    messages: { exportAll: "Name what the package exports (export { … } from '{{source}}') instead of export *." },
    schema: [],
  },
  create(context) {
    return {
      ExportAllDeclaration(node) {
        context.report({ node, messageId: 'exportAll', data: { source: String(node.source.value) } });
      },
    };
  },
};
