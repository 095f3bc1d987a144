import { lazy, Suspense } from "react";

import type { ChartProps } from "./types";

const LineChartFigure = lazy(() => import("./LineChartFigure"));

/** A chart, loaded with Recharts only when a page draws one; the page's text comes first. */
export function Chart(props: ChartProps) {
  return (
    <Suspense fallback={<p role="status">Loading the chart “{props.title}”…</p>}>
      <LineChartFigure {...props} />
    </Suspense>
  );
}
