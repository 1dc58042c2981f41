// PromQL checks run before anything is written: a syntax error in a user expression must become
// a readable SpecProblem, never a PrometheusRule that Prometheus rejects (which would break every
// rule group loaded with it) or a dashboard panel that shows "parse error".
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';

export type PromQLCheck = { ok: true } | { ok: false; error: string };

/** Functions whose (first) argument must be a range vector, e.g. `rate(x[5m])`, not `rate(x)`. */
const RANGE_FUNCTIONS = new Set([
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'changes', 'resets', 'predict_linear',
  'holt_winters', 'double_exponential_smoothing', 'absent_over_time', 'present_over_time',
  'avg_over_time', 'min_over_time', 'max_over_time', 'sum_over_time', 'count_over_time',
  'quantile_over_time', 'stddev_over_time', 'stdvar_over_time', 'last_over_time', 'mad_over_time',
  'first_over_time',
]);

function describeAt(expr: string, from: number, to: number): string {
  if (from >= expr.length) return 'unexpected end of expression';
  const text = expr.slice(from, Math.max(to, from + 1)).slice(0, 40);
  return `unexpected ${JSON.stringify(text)} at character ${from + 1}`;
}

/** The expression inside any number of parentheses. */
function unwrap(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.name === 'ParenExpr' && current.firstChild) current = current.firstChild;
  return current;
}

function semanticError(expr: string, root: SyntaxNode): string | undefined {
  let found: string | undefined;
  const cursor = root.cursor();
  do {
    if (found) break;
    const node = cursor.node;
    if (node.name === 'FunctionCall') {
      const ident = node.getChild('FunctionIdentifier');
      const body = node.getChild('FunctionCallBody');
      const name = ident ? expr.slice(ident.from, ident.to) : '';
      const firstArg = body?.firstChild ? unwrap(body.firstChild) : undefined;
      if (
        RANGE_FUNCTIONS.has(name) &&
        firstArg &&
        firstArg.name !== 'MatrixSelector' &&
        firstArg.name !== 'SubqueryExpr'
      ) {
        found = `${name}() needs a range vector such as metric[5m] at character ${firstArg.from + 1}`;
      }
    }
  } while (cursor.next());
  return found;
}

/** Parses an expression and reports the first syntax error, plus a few type errors the parser lets through. */
export function checkPromQL(expr: string): PromQLCheck {
  if (expr.trim() === '') return { ok: false, error: 'empty expression' };
  const tree = parser.parse(expr);
  let error: string | undefined;
  tree.iterate({
    enter(node) {
      if (error) return false;
      if (node.type.isError) {
        error = describeAt(expr, node.from, node.to);
        return false;
      }
      return undefined;
    },
  });
  if (error) return { ok: false, error };
  const top = tree.topNode.firstChild;
  if (!top) return { ok: false, error: 'empty expression' };
  const semantic = semanticError(expr, tree.topNode);
  if (semantic) return { ok: false, error: semantic };
  return { ok: true };
}

/** An alert or recording expression: valid PromQL evaluating to an instant vector or scalar. */
export function checkRuleExpr(expr: string): PromQLCheck {
  const check = checkPromQL(expr);
  if (!check.ok) return check;
  const top = unwrap(parser.parse(expr).topNode.firstChild as SyntaxNode);
  if (top.name === 'MatrixSelector') return { ok: false, error: 'a rule expression must not be a range vector' };
  if (top.name === 'StringLiteral') return { ok: false, error: 'a rule expression must not be a string' };
  return { ok: true };
}

/**
 * A plain series selector (`metric{label="v"}`): what a ratio SLI declares. Ranges, functions and
 * offsets are refused because the builder applies rate() over each window itself.
 */
export function checkSelector(expr: string): PromQLCheck {
  const check = checkPromQL(expr);
  if (!check.ok) return check;
  const top = parser.parse(expr).topNode.firstChild;
  if (top?.name !== 'VectorSelector') {
    return { ok: false, error: 'must be a plain series selector such as metric_total{label="value"} (no range, function or offset)' };
  }
  return { ok: true };
}

/**
 * Grafana template variables ($namespace, ${var}, [[var]], $__rate_interval) are not PromQL.
 * Before parsing a panel query they are replaced, outside string literals, by a duration where
 * a duration is expected and by a number elsewhere. Inside quotes they are already valid.
 */
export function substituteGrafanaVariables(expr: string): string {
  let out = '';
  let i = 0;
  while (i < expr.length) {
    const ch = expr[i] as string;
    if (ch === '"' || ch === "'" || ch === '`') {
      let j = i + 1;
      while (j < expr.length && expr[j] !== ch) j += expr[j] === '\\' && ch !== '`' ? 2 : 1;
      out += expr.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const variable = /^(\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\[\[[A-Za-z_][A-Za-z0-9_]*(?::[A-Za-z]+)?\]\])/.exec(
      expr.slice(i),
    );
    if (variable) {
      const before = out.trimEnd();
      const inDuration = /[[:]$/.test(before) || /\boffset$/i.test(before);
      out += inDuration ? '5m' : '1';
      i += variable[0].length;
      continue;
    }
    out += ch;
    i += 1;
  }
  return out;
}

/** Checks a Grafana panel query (template variables allowed). */
export function checkPanelExpr(expr: string): PromQLCheck {
  return checkRuleExpr(substituteGrafanaVariables(expr));
}

/** Prometheus string literal for a label value. */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/**
 * Adds label matchers to a plain selector, so a ratio SLI only counts the service's own series.
 * Matchers the user already wrote for the same label win. Expects a selector that passed
 * checkSelector.
 */
export function withMatchers(selector: string, matchers: Record<string, string>): string {
  const tree = parser.parse(selector);
  const top = tree.topNode.firstChild;
  if (!top || top.name !== 'VectorSelector') throw new Error(`not a selector: ${selector}`);
  const existing = new Set<string>();
  const matchersNode = top.getChild('LabelMatchers');
  if (matchersNode) {
    for (let child = matchersNode.firstChild; child; child = child.nextSibling) {
      const nameNode = child.getChild('LabelName') ?? child.getChild('QuotedLabelName');
      if (nameNode) existing.add(selector.slice(nameNode.from, nameNode.to).replace(/^"|"$/g, ''));
    }
  }
  const added = Object.entries(matchers)
    .filter(([name]) => !existing.has(name))
    .map(([name, value]) => `${name}=${quote(value)}`);
  if (added.length === 0) return selector.trim();
  if (!matchersNode) return `${selector.trim()}{${added.join(', ')}}`;
  const inner = selector.slice(matchersNode.from + 1, matchersNode.to - 1).trim().replace(/,$/, '');
  const joined = inner === '' ? added.join(', ') : `${inner}, ${added.join(', ')}`;
  return `${selector.slice(0, matchersNode.from)}{${joined}}${selector.slice(matchersNode.to)}`.trim();
}

/** The metric names an expression selects (`foo` in `rate(foo{a="b"}[5m])`), in order, without repeats. */
export function metricNames(expr: string): string[] {
  const source = substituteGrafanaVariables(expr);
  const names: string[] = [];
  parser.parse(source).iterate({
    enter(node) {
      if (node.name !== 'VectorSelector') return undefined;
      const ident = node.node.getChild('Identifier');
      const name = ident ? source.slice(ident.from, ident.to) : undefined;
      if (name && !names.includes(name)) names.push(name);
      return false;
    },
  });
  return names;
}
