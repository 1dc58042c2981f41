// One runbook per alert: every alert the operator renders for the repository's specs has
// docs/runbooks/<AlertName>.md with the sections an on-call person needs, the index lists it,
// and no runbook is left for an alert nothing produces any more.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderRepositorySpecs, RUNBOOK_DIR } from './specs.ts';

const SECTIONS = ['## What it means', '## What users see', '## Dashboard', '## Traces', '## Logs', '## Mitigate', '## Verify it cleared'];

const rendered = renderRepositorySpecs();
const alertNames = new Set(rendered.flatMap((spec) => spec.alerts.map((a) => a.alert)));
const runbooks = readdirSync(RUNBOOK_DIR).filter((f) => f.endsWith('.md') && f !== 'README.md').map((f) => f.replace(/\.md$/, ''));

describe('runbooks', () => {
  it('exist for every alert the operator renders for the repository specs', () => {
    const missing = [...alertNames].filter((name) => !runbooks.includes(name)).sort();
    expect(missing, 'alerts without docs/runbooks/<AlertName>.md').toEqual([]);
  });

  it('exist only for alerts something produces', () => {
    const orphans = runbooks.filter((name) => !alertNames.has(name)).sort();
    expect(orphans, 'runbooks of alerts no spec renders (remove them or the alert is gone by mistake)').toEqual([]);
  });

  it.each(runbooks)('%s has every section and is listed in the index', (name) => {
    const text = readFileSync(join(RUNBOOK_DIR, `${name}.md`), 'utf8');
    expect(text.startsWith(`# ${name}\n`), 'the title is the alert name').toBe(true);
    for (const section of SECTIONS) expect(text, `${name}.md lacks "${section}"`).toContain(`\n${section}\n`);
    expect(readFileSync(join(RUNBOOK_DIR, 'README.md'), 'utf8')).toContain(`(${name}.md)`);
  });
});
