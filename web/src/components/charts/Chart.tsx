import { lazy, Suspense } from "react";

import { shown } from "./shown";
import { PLOT_HEIGHT, type ChartProps } from "./types";
import { useNearScreen } from "./useNearScreen";

const LinePlot = lazy(() => import("./LinePlot"));

/** A line chart with its text alternative: a caption, a one-sentence summary, and every figure in
 * a table (the drawing itself is hidden from screen readers, which read the table instead). The
 * text comes at once; the drawing, with Recharts, only when it nears the screen, in a box of its
 * size meanwhile, so a page with charts below the fold loads as fast as one without. */
export function Chart(props: ChartProps) {
  const { id, title, summary, rows, series, testId } = props;
  const plot = useNearScreen<HTMLDivElement>();
  return (
    <figure className="chart" aria-labelledby={`${id}-title`} data-testid={testId}>
      <figcaption>
        <h3 id={`${id}-title`}>{title}</h3>
        <p id={`${id}-summary`}>{summary}</p>
      </figcaption>
      <div className="chart-plot" aria-hidden="true" ref={plot.ref} style={{ minHeight: PLOT_HEIGHT }}>
        {plot.near && (
          <Suspense fallback={<p>Loading the chart…</p>}>
            <LinePlot {...props} />
          </Suspense>
        )}
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
