import { Chart } from "../../components/charts/Chart";
import { oneDecimal } from "../../components/time";
import { INTERVIEW_TYPE_LABELS, isInterviewType } from "../../components/interviewTypes";
import { type MeasureChange, type TrendPoint, valueOf } from "./api";
import { withUnit } from "./MeasureChanges";

const COLORS = ["#1d4ed8", "#047857", "#b45309", "#7c3aed", "#be123c"];

/** One chart per measure, one point per analysed interview, oldest first. */
export function TrendCharts({ points, changes }: { points: TrendPoint[]; changes: MeasureChange[] }) {
  const label = (order: number) => pointLabel(points[order - 1]);
  return (
    <section aria-labelledby="trends-title">
      <h2 id="trends-title">Trends</h2>
      <div className="trend-grid">
        {changes.map((change, index) => {
          const rows = points.map((point, at) => ({ order: at + 1, value: valueOf(point, change.measure) }));
          const measured = rows.filter((row) => row.value !== null).length;
          return (
            <Chart
              key={change.measure}
              id={`trend-${change.measure}`}
              title={`${change.label} (${change.unit})`}
              summary={
                measured === 0
                  ? `Not measured in the ${points.length} interviews shown.`
                  : `${measured} of ${points.length} interviews measured, from ${oneDecimal(change.first)} ` +
                    `in the first to ${withUnit(oneDecimal(change.latest), change.unit)} in the latest.`
              }
              rows={rows}
              xKey="order"
              xType="category"
              formatX={(order) => shortDate(points[Number(order) - 1])}
              rowHeading="Interview"
              rowLabel={(row) => label(Number(row.order))}
              series={[{ key: "value", name: change.label, color: COLORS[index % COLORS.length] ?? "#1d4ed8" }]}
              testId={`trend-${change.measure}`}
            />
          );
        })}
      </div>
    </section>
  );
}

function shortDate(point: TrendPoint | undefined): string {
  return point ? new Date(point.completed_at).toLocaleDateString(undefined, { day: "numeric", month: "short" }) : "";
}

function pointLabel(point: TrendPoint | undefined): string {
  if (!point) return "";
  const type = point.interview_type && isInterviewType(point.interview_type) ? INTERVIEW_TYPE_LABELS[point.interview_type] : null;
  return [new Date(point.completed_at).toLocaleDateString(), point.company, point.job_title, type]
    .filter(Boolean)
    .join(" · ");
}
