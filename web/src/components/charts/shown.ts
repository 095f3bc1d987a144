import type { ChartRow, ChartSeries } from "./types";

/** A figure as the chart's table and tooltip write it. */
export function shown(series: ChartSeries, value: ChartRow[string]): string {
  if (value === null || value === undefined || typeof value === "string") return value ?? "—";
  return series.format ? series.format(value) : String(Math.round(value * 10) / 10);
}
