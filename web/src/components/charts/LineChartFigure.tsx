// The only module that imports Recharts: pages load it lazily through Chart.tsx, so the charting
// library is fetched by the pages that chart and never by the first load.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import type { ChartProps, ChartRow, ChartSeries } from "./types";

function shown(series: ChartSeries, value: ChartRow[string]): string {
  if (value === null || value === undefined || typeof value === "string") return value ?? "—";
  return series.format ? series.format(value) : String(Math.round(value * 10) / 10);
}

/** A line chart with its text alternative: a caption, a one-sentence summary, and every figure in
 * a table (the drawing itself is hidden from screen readers, which read the table instead). */
export default function LineChartFigure(props: ChartProps) {
  const { id, title, summary, rows, series, testId } = props;
  const right = series.find((one) => one.axis === "right");
  const left = series.find((one) => one.axis !== "right");
  return (
    <figure className="chart" aria-labelledby={`${id}-title`} data-testid={testId}>
      <figcaption>
        <h3 id={`${id}-title`}>{title}</h3>
        <p id={`${id}-summary`}>{summary}</p>
      </figcaption>
      <div className="chart-plot" aria-hidden="true">
        <ResponsiveContainer width="100%" height={240}>
          <LineChart data={rows} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
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
      </div>
      <details className="chart-table">
        <summary>
          The figures as a table<span className="visually-hidden">: {title}</span>
        </summary>
        <table>
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{props.rowHeading}</th>
              {series.map((one) => (
                <th scope="col" key={one.key}>
                  {one.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={index} data-testid={`${testId}-row`}>
                <th scope="row">{props.rowLabel(row)}</th>
                {series.map((one) => (
                  <td key={one.key}>{shown(one, row[one.key] ?? null)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
