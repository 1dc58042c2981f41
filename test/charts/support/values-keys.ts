// Checks that every key a chart's values set for a dependency exists in that dependency's own
// default values: Helm passes unknown keys through silently, so a misspelt key would simply
// not take effect. Pure functions over parsed YAML.

type Tree = Record<string, unknown>;

const isMap = (value: unknown): value is Tree => typeof value === 'object' && value !== null && !Array.isArray(value);

export interface KeyReport {
  /** Paths we set that no reference has. */
  missing: string[];
  /**
   * Paths we set below a map that is empty in the reference (`resources: {}`,
   * `exemplarTraceIdDestinations: {}`): free-form there, so only the map itself is checked.
   */
  open: string[];
}

/**
 * Walks `ours` leaf by leaf and looks each path up in the references (the first that has the
 * path wins). Lists and scalars are leaves; a reference map that is empty accepts anything below.
 */
export function checkKeys(ours: Tree, references: readonly Tree[], prefix = ''): KeyReport {
  const report: KeyReport = { missing: [], open: [] };
  for (const [key, value] of Object.entries(ours)) {
    const at = prefix ? `${prefix}.${key}` : key;
    const found = references.filter((r) => Object.hasOwn(r, key)).map((r) => r[key]);
    if (found.length === 0) {
      report.missing.push(at);
      continue;
    }
    if (!isMap(value)) continue;
    const maps = found.filter(isMap);
    if (maps.length === 0) {
      report.missing.push(`${at} (a map here, not in the reference)`);
      continue;
    }
    if (maps.some((m) => Object.keys(m).length === 0)) {
      report.open.push(at);
      continue;
    }
    const below = checkKeys(value, maps, at);
    report.missing.push(...below.missing);
    report.open.push(...below.open);
  }
  return report;
}

/** Removes the given dotted paths from a copy of the tree (keys checked elsewhere, with a reason). */
export function withoutPaths(tree: Tree, paths: readonly string[]): Tree {
  const copy = structuredClone(tree);
  for (const dotted of paths) {
    const parts = dotted.split('.');
    const last = parts.pop() ?? '';
    let node: unknown = copy;
    for (const part of parts) node = isMap(node) ? node[part] : undefined;
    if (!isMap(node) || !Object.hasOwn(node, last)) throw new Error(`no value at ${dotted} to leave out`);
    Reflect.deleteProperty(node, last);
  }
  return copy;
}
