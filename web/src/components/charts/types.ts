/** What a chart shows: rows of figures (null where a row has none) and the series drawn from them.
 * Kept apart from the chart itself so that pages name these types without loading Recharts. */
/** How tall a chart's drawing is, and the box that holds its place before it is drawn. */
export const PLOT_HEIGHT = 240;
/** How wide a chart is drawn on paper: within an A4 or Letter page's margins, the page's padding
 * and the chart's own. */
export const PRINT_WIDTH = 600;

export type ChartRow = Record<string, string | number | null>;

export type ChartSeries = {
  key: string;
  name: string;
  color: string;
  /** The axis it is read against: a second series of another scale goes on the right. */
  axis?: "left" | "right";
  domain?: [number, number];
  format?: (value: number) => string;
};

export type ChartProps = {
  id: string;
  title: string;
  /** What the chart says, in a sentence: what a screen reader reads before the table. */
  summary: string;
  rows: ChartRow[];
  xKey: string;
  /** "number" for a time axis, "category" for one point per interview. */
  xType: "number" | "category";
  formatX: (value: string | number) => string;
  /** The table's first column: its heading, and each row's label. */
  rowHeading: string;
  rowLabel: (row: ChartRow) => string;
  series: ChartSeries[];
  testId: string;
};
