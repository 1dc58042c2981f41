// Test support: checks a dashboard JSON model against Grafana's dashboard schema as the foundation
// SDK publishes it (TypeScript types generated from Grafana's schema): the Dashboard type, each
// panel's options by its plugin type, and Prometheus targets. Walks the declared types with the
// TypeScript compiler, so a field Grafana does not know, a missing required field or a value of
// the wrong type is reported with its JSON path.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';

const SDK = dirname(createRequire(import.meta.url).resolve('@grafana/grafana-foundation-sdk/dashboard'));
const DIST = dirname(SDK);
/** Panel plugins whose options the SDK types; a panel of another type fails. */
const PANEL_PLUGINS = ['timeseries', 'stat', 'gauge', 'bargauge', 'table', 'piechart', 'text'];

interface Schema {
  checker: ts.TypeChecker;
  dashboard: ts.Type;
  prometheusQuery: ts.Type;
  panelOptions: Map<string, ts.Type>;
}

let loaded: Schema | undefined;

function exportedType(checker: ts.TypeChecker, program: ts.Program, file: string, name: string): ts.Type {
  const source = program.getSourceFile(file);
  const symbol = source && checker.getSymbolAtLocation(source);
  const exported = symbol && checker.getExportsOfModule(symbol).find((s) => s.name === name);
  if (!exported) throw new Error(`${file} exports no ${name}`);
  return checker.getDeclaredTypeOfSymbol(exported);
}

function schema(): Schema {
  if (loaded) return loaded;
  const typesOf = (module: string) => join(DIST, module, 'types.gen.d.ts');
  const files = [typesOf('dashboard'), typesOf('prometheus'), ...PANEL_PLUGINS.map(typesOf)];
  const program = ts.createProgram(files, { strict: true, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  loaded = {
    checker,
    dashboard: exportedType(checker, program, typesOf('dashboard'), 'Dashboard'),
    prometheusQuery: exportedType(checker, program, typesOf('prometheus'), 'Dataquery'),
    panelOptions: new Map(PANEL_PLUGINS.map((p) => [p, exportedType(checker, program, typesOf(p), 'Options')])),
  };
  return loaded;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function check(s: Schema, value: unknown, type: ts.Type, path: string, errors: string[]): void {
  const { checker } = s;
  const flags = type.flags;
  if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
  if (type.isUnion()) {
    // Conforms when one member fits; else the closest member's problems are the ones reported.
    let closest: string[] | undefined;
    for (const member of type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined))) {
      const memberErrors: string[] = [];
      check(s, value, member, path, memberErrors);
      if (memberErrors.length === 0) return;
      if (!closest || memberErrors.length < closest.length) closest = memberErrors;
    }
    errors.push(...(closest ?? [`${path}: no member of ${checker.typeToString(type)} fits`]));
    return;
  }
  if (type.isStringLiteral() || type.isNumberLiteral()) {
    if (value !== type.value) errors.push(`${path}: ${JSON.stringify(value)} is not ${JSON.stringify(type.value)}`);
    return;
  }
  if (flags & ts.TypeFlags.BooleanLiteral) {
    if (value !== (checker.typeToString(type) === 'true')) errors.push(`${path}: ${JSON.stringify(value)} is not ${checker.typeToString(type)}`);
    return;
  }
  if (flags & ts.TypeFlags.Null) {
    if (value !== null) errors.push(`${path}: expected null`);
    return;
  }
  if (flags & ts.TypeFlags.StringLike) {
    if (typeof value !== 'string') errors.push(`${path}: expected a string, got ${JSON.stringify(value)}`);
    return;
  }
  if (flags & ts.TypeFlags.NumberLike) {
    if (typeof value !== 'number') errors.push(`${path}: expected a number, got ${JSON.stringify(value)}`);
    return;
  }
  if (flags & ts.TypeFlags.BooleanLike) {
    if (typeof value !== 'boolean') errors.push(`${path}: expected a boolean, got ${JSON.stringify(value)}`);
    return;
  }
  if (checker.isArrayType(type)) {
    if (!Array.isArray(value)) {
      errors.push(`${path}: expected an array`);
      return;
    }
    const [element] = checker.getTypeArguments(type as ts.TypeReference);
    if (element) value.forEach((item, i) => check(s, item, element, `${path}[${i}]`, errors));
    return;
  }
  if (!isObject(value)) {
    errors.push(`${path}: expected an object (${checker.typeToString(type)}), got ${JSON.stringify(value)}`);
    return;
  }
  // The SDK's marker type for "any data source's query": ours are all Prometheus queries.
  const target = checker.typeToString(type) === 'Dataquery' && type !== s.prometheusQuery ? s.prometheusQuery : type;
  const properties = new Map(checker.getPropertiesOfType(target).map((p) => [p.name, p]));
  const indexType = checker.getIndexTypeOfType(target, ts.IndexKind.String);
  for (const [name, property] of properties) {
    const propertyType = checker.getTypeOfSymbol(property);
    if (propertyType.getCallSignatures().length > 0) continue; // a method, not data
    const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
    if (!(name in value)) {
      if (!optional) errors.push(`${path}.${name}: required by ${checker.typeToString(target)}`);
      continue;
    }
    const field = value[name];
    if (name === 'options' && path.includes('.panels[') && typeof value['type'] === 'string') {
      const options = s.panelOptions.get(value['type']);
      if (!options) errors.push(`${path}.type: ${value['type']} is not a panel plugin the schema types (${PANEL_PLUGINS.join(', ')})`);
      else check(s, field, options, `${path}.options`, errors);
      continue;
    }
    check(s, field, propertyType, `${path}.${name}`, errors);
  }
  for (const name of Object.keys(value)) {
    if (properties.has(name)) continue;
    if (indexType) check(s, value[name], indexType, `${path}.${name}`, errors);
    else errors.push(`${path}.${name}: not a field of ${checker.typeToString(target)}`);
  }
}

/** Problems of a dashboard JSON model against Grafana's schema; empty when it conforms. */
export function dashboardSchemaProblems(model: unknown): string[] {
  const s = schema();
  const errors: string[] = [];
  check(s, model, s.dashboard, '$', errors);
  return errors;
}
