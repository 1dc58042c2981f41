// The size arithmetic behind `make images`' table: own layers are everything above the base's
// layers, the app layer is the newest layer with content (metadata-only steps have none).
import { describe, expect, it } from 'vitest';
// eslint-disable-next-line shopwatch/no-cross-workspace-import -- tests the image table of scripts/images, which is a script, not a package
import { formatTable, imageSizes, parseResults, type LayerInfo } from '../../scripts/images/table.ts';

// podman history order: newest first.
const base: LayerInfo[] = [{ size: 165_000_000 }];
const catalog: LayerInfo[] = [
  { size: 0, CreatedBy: 'CMD' },
  { size: 0, CreatedBy: 'USER 10001:10001' },
  { size: 80_000, CreatedBy: 'COPY services/catalog' },
  { size: 50_000, CreatedBy: 'COPY services/contracts' },
  { size: 150_000, CreatedBy: 'COPY services/platform' },
  { size: 33_600_000, CreatedBy: 'COPY --from=deps /app' },
  { size: 0, CreatedBy: 'WORKDIR /app' },
  ...base,
];

describe('imageSizes', () => {
  it('separates the base from the image’s own layers and finds the app layer', () => {
    expect(imageSizes(catalog, base.length)).toEqual({ total: 198_880_000, ownLayers: 33_880_000, appLayer: 80_000 });
  });

  it('an image that is only its base has nothing of its own', () => {
    expect(imageSizes(base, base.length)).toEqual({ total: 165_000_000, ownLayers: 0, appLayer: 0 });
  });
});

describe('formatTable', () => {
  it('one aligned row per image, a failed build without sizes, the base last', () => {
    const rows = [
      { name: 'catalog', image: 'localhost/shopwatch/catalog:dev', seconds: 17, status: 'built', layers: catalog },
      { name: 'psp', image: 'localhost/shopwatch/psp:dev', seconds: 3, status: 'FAILED' },
    ];
    const lines = formatTable(rows, 'localhost/shopwatch/node:24.21.0', base).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^image\s+size\s+own layers\s+app layer\s+build\s+status$/);
    expect(lines[1]).toMatch(/^localhost\/shopwatch\/catalog:dev\s+198\.88 MB\s+33\.88 MB\s+0\.08 MB\s+17 s\s+built$/);
    expect(lines[2]).toMatch(/^localhost\/shopwatch\/psp:dev\s+-\s+-\s+-\s+3 s\s+FAILED$/);
    expect(lines[3]).toMatch(/^localhost\/shopwatch\/node:24\.21\.0\s+165\.00 MB\s+\(base\)$/);
    // Columns line up: every "status" cell ends at the same column.
    expect(new Set(lines.slice(0, 3).map((line) => line.length)).size).toBe(1);
  });
});

describe('parseResults', () => {
  it('reads build.sh’s TSV rows and ignores blank lines', () => {
    expect(parseResults('catalog\tlocalhost/shopwatch/catalog:dev\t17\tbuilt\n\npsp\tlocalhost/shopwatch/psp:dev\t0\tunchanged\n')).toEqual([
      { name: 'catalog', image: 'localhost/shopwatch/catalog:dev', seconds: 17, status: 'built' },
      { name: 'psp', image: 'localhost/shopwatch/psp:dev', seconds: 0, status: 'unchanged' },
    ]);
  });
});
