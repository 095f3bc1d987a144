import { shown } from "./shown";
import { PLOT_HEIGHT, PRINT_WIDTH, type ChartProps } from "./types";
import { useLinePlot } from "./useLinePlot";
import { useNearScreen } from "./useNearScreen";
import { usePrinting } from "./usePrinting";

/** A line chart with its text alternative: a caption, a one-sentence summary, and every figure in
 * a table (the drawing itself is hidden from screen readers, which read the table instead). The
 * text comes at once; the drawing, with Recharts, only when it nears the screen, in a box of its
 * size meanwhile, so a page with charts below the fold loads as fast as one without. Recharts is
 * fetched when the browser is idle after the page has loaded, so that printing draws every chart,
 * near or not, at the paper's width (a printout's layout is never measured by the page). */
export function Chart(props: ChartProps) {
  const { id, title, summary, rows, series, testId } = props;
  const plot = useNearScreen<HTMLDivElement>();
  const printing = usePrinting();
  const drawn = plot.near || printing !== "screen";
  const { LinePlot, failed } = useLinePlot(drawn);
  return (
    <figure className="chart" aria-labelledby={`${id}-title`} data-testid={testId}>
      <figcaption>
        <h3 id={`${id}-title`}>{title}</h3>
        <p id={`${id}-summary`}>{summary}</p>
      </figcaption>
      <div className="chart-plot" aria-hidden="true" ref={plot.ref} style={{ minHeight: PLOT_HEIGHT }}>
        {drawn &&
          (LinePlot ? (
            <LinePlot {...props} width={printing === "printing" ? PRINT_WIDTH : undefined} />
          ) : (
            <p>{failed ? "The chart could not be loaded: its figures are in the table below." : "Loading the chart…"}</p>
          ))}
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
