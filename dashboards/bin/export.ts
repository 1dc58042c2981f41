// Writes the cross-service dashboards as Grafana JSON files, e.g. for a chart that ships them as
// sidecar ConfigMaps:  node dashboards/bin/export.ts <directory>
// (Per-service dashboards are made by the operator from each ServiceObservability.)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crossServiceDashboards } from '../src/index.ts';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node dashboards/bin/export.ts <directory>');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
for (const [file, dashboard] of Object.entries(crossServiceDashboards())) {
  writeFileSync(join(dir, file), `${JSON.stringify(dashboard, null, 2)}\n`);
  console.log(join(dir, file));
}
