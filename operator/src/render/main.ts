// make dashboards: renders every dashboard and rule file the operator would write for the specs in
// charts/shopwatch/observability/, for review and for people without the operator.
//   node operator/src/render/main.ts [--out DIR] [--namespace NS] [--specs DIR] [--test-profile]
// Defaults: --out .local/rendered, --namespace local (the label `make dev-up` puts on every local
// target), --specs charts/shopwatch/observability. Exits 1, naming the field, when a spec is invalid.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { renderAll } from './render.ts';
import { loadSpec } from './specs.ts';

const root = resolve(import.meta.dirname, '../../..');
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(root, '.local/rendered') },
    namespace: { type: 'string', default: 'local' },
    specs: { type: 'string', default: join(root, 'charts/shopwatch/observability') },
    'test-profile': { type: 'boolean', default: false },
  },
});

const specs = readdirSync(values.specs)
  .filter((file) => file.endsWith('.yaml'))
  .sort()
  .map((file) => loadSpec(file.replace(/\.yaml$/, ''), parse(readFileSync(join(values.specs, file), 'utf8')), values.namespace));
const result = renderAll(specs, values.namespace, { testProfile: values['test-profile'] });
if (result.problems.length > 0) {
  for (const p of result.problems) console.error(`render: ${p.service}: ${p.reason}: ${p.message}`);
  process.exit(1);
}
// A clean directory: a service whose spec was removed leaves no stale rule file behind.
rmSync(values.out, { recursive: true, force: true });
for (const [path, content] of Object.entries(result.files)) {
  const file = join(values.out, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}
const m = result.manifest;
console.log(
  `render: ${specs.length} specs → ${m.dashboards.length} dashboards, ${m.rules.length} rule files, ${m.conditions.length} conditional panels ` +
    `(profile ${m.profile}${m.factor > 1 ? `, durations ÷${m.factor}` : ''}) in ${values.out}`,
);
