// Prints the table `make images` ends with: image, size, own layers above the base, the app layer
// (the image's last non-empty layer: its own code), build time and status.
//   node scripts/images/table.ts <base image> <results.tsv>
// results.tsv rows (written by build.sh): name, image, seconds, status (built|unchanged|FAILED).
// Sizes are podman's uncompressed layer sizes, the ones that fill a node's disk.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface LayerInfo {
  size: number;
  CreatedBy?: string;
}

export interface ImageRow {
  name: string;
  image: string;
  seconds: number;
  status: string;
  /** Absent when the image could not be inspected (a failed build). */
  layers?: LayerInfo[];
}

export interface ImageSizes {
  total: number;
  ownLayers: number;
  appLayer: number;
}

/** `podman history` lists layers newest first; the base's layers are the oldest `baseLayers` ones. */
export function imageSizes(layers: LayerInfo[], baseLayers: number): ImageSizes {
  const total = layers.reduce((sum, layer) => sum + layer.size, 0);
  const own = layers.slice(0, Math.max(0, layers.length - baseLayers));
  const appLayer = own.find((layer) => layer.size > 0)?.size ?? 0;
  return { total, ownLayers: own.reduce((sum, layer) => sum + layer.size, 0), appLayer };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;

export function formatTable(rows: ImageRow[], baseImage: string, baseLayers: LayerInfo[]): string {
  const header = ['image', 'size', 'own layers', 'app layer', 'build', 'status'];
  const body = rows.map((row) => {
    const sizes = row.layers ? imageSizes(row.layers, baseLayers.length) : undefined;
    return [row.image, sizes ? mb(sizes.total) : '-', sizes ? mb(sizes.ownLayers) : '-', sizes ? mb(sizes.appLayer) : '-', `${row.seconds} s`, row.status];
  });
  const baseTotal = baseLayers.reduce((sum, layer) => sum + layer.size, 0);
  const all = [header, ...body, [baseImage, mb(baseTotal), '(base)', '', '', '']];
  const widths = header.map((_, column) => Math.max(...all.map((cells) => cells[column]?.length ?? 0)));
  return all.map((cells) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ').trimEnd()).join('\n');
}

export function parseResults(text: string): Omit<ImageRow, 'layers'>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [name = '', image = '', seconds = '0', status = ''] = line.split('\t');
      return { name, image, seconds: Number(seconds), status };
    });
}

function history(image: string): LayerInfo[] {
  return JSON.parse(execFileSync('podman', ['history', '--format', 'json', image], { encoding: 'utf8' })) as LayerInfo[];
}

if (import.meta.main) {
  const [baseImage, resultsFile] = process.argv.slice(2);
  if (!baseImage || !resultsFile) {
    process.stderr.write('usage: node scripts/images/table.ts <base image> <results.tsv>\n');
    process.exit(2);
  }
  const rows: ImageRow[] = parseResults(readFileSync(resultsFile, 'utf8')).map((row) => ({
    ...row,
    layers: row.status === 'FAILED' ? undefined : history(row.image),
  }));
  process.stdout.write(`${formatTable(rows, baseImage, history(baseImage))}\n`);
}
