// Panel factories on top of the foundation SDK builders: one place decides sizes, the datasource
// reference and how a declared panel (title + PromQL + unit + visualisation) becomes a panel.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  ReduceDataOptionsBuilder,
  type DataSourceRef,
} from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as BarGaugePanel } from '@grafana/grafana-foundation-sdk/bargauge';
import { ThresholdsConfigBuilder, ThresholdsMode, type Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as GaugePanel } from '@grafana/grafana-foundation-sdk/gauge';
import { PanelBuilder as PieChartPanel } from '@grafana/grafana-foundation-sdk/piechart';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TextPanel, TextMode } from '@grafana/grafana-foundation-sdk/text';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import type { PanelInput, Visualisation } from './types.ts';

/** Every query goes through the dashboard's `datasource` variable. */
export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

export interface QueryInput {
  expr: string;
  legend?: string;
  /** Ask Prometheus for exemplars (trace ids on histogram samples) alongside the series. */
  exemplar?: boolean;
  /** Instant query: one value, for stats and gauges. */
  instant?: boolean;
}

export function query(input: QueryInput, refId: string): DataqueryBuilder {
  const builder = new DataqueryBuilder().datasource(PROMETHEUS).expr(input.expr).refId(refId);
  if (input.legend) builder.legendFormat(input.legend);
  if (input.exemplar) builder.exemplar(true);
  if (input.instant) builder.instant();
  return builder;
}

const WIDTH: Record<Visualisation, number> = { timeseries: 12, stat: 6, gauge: 6, bargauge: 12, table: 12, piechart: 6 };
const HEIGHT = 8;

type AnyPanelBuilder = cog.Builder<Panel> & {
  id(id: number): unknown;
  title(title: string): unknown;
  description(description: string): unknown;
  unit(unit: string): unknown;
  datasource(ref: DataSourceRef): unknown;
  withTarget(target: cog.Builder<cog.Dataquery>): unknown;
  span(width: number): unknown;
  height(height: number): unknown;
};

function emptyPanel(visualisation: Visualisation): AnyPanelBuilder {
  switch (visualisation) {
    case 'stat':
      return new StatPanel();
    case 'gauge':
      return new GaugePanel();
    case 'bargauge':
      return new BarGaugePanel();
    case 'table':
      return new TablePanel();
    case 'piechart':
      return new PieChartPanel();
    case 'timeseries':
      return new TimeseriesPanel();
  }
}

export interface PanelOptions {
  id: number;
  title: string;
  visualisation: Visualisation;
  queries: QueryInput[];
  unit?: string;
  description?: string;
  width?: number;
  min?: number;
  max?: number;
  thresholds?: Array<{ value: number | null; color: string }>;
  /** Draw the thresholds as dashed lines on a time series (reference levels, not colouring). */
  thresholdLines?: boolean;
}

export function panel(options: PanelOptions): cog.Builder<Panel> {
  const builder = emptyPanel(options.visualisation);
  builder.id(options.id);
  builder.title(options.title);
  builder.datasource(PROMETHEUS);
  if (options.description) builder.description(options.description);
  if (options.unit) builder.unit(options.unit);
  builder.span(options.width ?? WIDTH[options.visualisation]);
  builder.height(HEIGHT);
  const instant = options.visualisation !== 'timeseries';
  options.queries.forEach((q, i) => builder.withTarget(query({ instant, ...q }, String.fromCharCode(65 + i))));
  const withRange = builder as AnyPanelBuilder & {
    min?(v: number): unknown;
    max?(v: number): unknown;
    thresholds?(t: ThresholdsConfigBuilder): unknown;
    reduceOptions?(r: ReduceDataOptionsBuilder): unknown;
    thresholdsStyle?(t: GraphThresholdsStyleConfigBuilder): unknown;
  };
  // Single-value panels show the latest value, not whatever Grafana's default reducer is.
  withRange.reduceOptions?.(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
  if (options.min !== undefined) withRange.min?.(options.min);
  if (options.max !== undefined) withRange.max?.(options.max);
  if (options.thresholds) {
    withRange.thresholds?.(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(options.thresholds));
    if (options.thresholdLines) withRange.thresholdsStyle?.(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed));
  }
  return builder;
}

/** A panel the resource declared (marketing or business). */
export function declaredPanel(input: PanelInput, id: number): cog.Builder<Panel> {
  const options: PanelOptions = {
    id,
    title: input.title,
    visualisation: input.visualisation ?? 'timeseries',
    queries: [input.legend ? { expr: input.expr, legend: input.legend } : { expr: input.expr }],
  };
  if (input.unit) options.unit = input.unit;
  if (input.description) options.description = input.description;
  return panel(options);
}

/** A short markdown note spanning the row, e.g. to say how to fill an empty layer. */
export function note(id: number, markdown: string): cog.Builder<Panel> {
  return new TextPanel().id(id).title('').transparent(true).mode(TextMode.Markdown).content(markdown).span(24).height(3);
}
