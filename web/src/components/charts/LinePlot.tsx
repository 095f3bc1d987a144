// The only module that imports Recharts: Chart.tsx loads it lazily (useLinePlot), once a chart's
// plot nears the screen or the browser is idle after a page with charts has loaded, so the
// charting library is fetched by the pages that chart and never by the first load.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { shown } from "./shown";
import { PLOT_HEIGHT, type ChartProps } from "./types";

/** The drawing of a line chart; its text alternative is Chart's. As wide as its box, or `width`
 * pixels: a printout is laid out after the page has rendered it, and never measured. */
export default function LinePlot(props: ChartProps & { width?: number | undefined }) {
  const { series } = props;
  const right = series.find((one) => one.axis === "right");
  const left = series.find((one) => one.axis !== "right");
  return (
    <ResponsiveContainer width={props.width ?? "100%"} height={PLOT_HEIGHT}>
      <LineChart data={props.rows} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#d9dee5" />
        <XAxis
          dataKey={props.xKey}
          type={props.xType}
          domain={props.xType === "number" ? ["dataMin", "dataMax"] : undefined}
          tickFormatter={props.formatX}
          stroke="#52606d"
        />
        <YAxis yAxisId="left" domain={left?.domain ?? ["auto", "auto"]} stroke="#52606d" width={56} />
        {right && (
          <YAxis yAxisId="right" orientation="right" domain={right.domain ?? ["auto", "auto"]} stroke="#52606d" width={56} />
        )}
        <Tooltip
          labelFormatter={(value) => props.formatX(value as string | number)}
          formatter={(value, name) => {
            const one = series.find((candidate) => candidate.name === name);
            return one && typeof value === "number" ? shown(one, value) : String(value);
          }}
        />
        <Legend />
        {series.map((one) => (
          <Line
            key={one.key}
            yAxisId={one.axis ?? "left"}
            dataKey={one.key}
            name={one.name}
            stroke={one.color}
            strokeWidth={2}
            dot={{ r: 3 }}
            connectNulls
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}
