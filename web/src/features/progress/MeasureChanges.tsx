import { oneDecimal } from "../../components/time";
import type { MeasureChange } from "./api";

/** Each measure from the first interview shown to the latest, and whether that is for the better. */
export function MeasureChanges({ changes, count }: { changes: MeasureChange[]; count: number }) {
  return (
    <section aria-labelledby="changes-title">
      <h2 id="changes-title">How you moved</h2>
      <p className="hint">
        From your first to your latest of the {count} interview{count === 1 ? "" : "s"} shown.
      </p>
      <ul className="changes">
        {changes.map((change) => (
          <li key={change.measure} data-testid="measure-change" data-measure={change.measure}>
            <span className="change-label">{change.label}</span>
            <span className="change-figures">
              {oneDecimal(change.first)} → {withUnit(oneDecimal(change.latest), change.unit)}
            </span>
            <span className="change-value" data-testid="change-value">
              {change.change === null ? "—" : `${change.change > 0 ? "+" : ""}${oneDecimal(change.change)}`}
            </span>
            <span className={`verdict verdict-${verdictClass(change)}`} data-testid="change-verdict">
              {verdict(change, count)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function verdictClass(change: MeasureChange): string {
  return change.improved === null ? "neutral" : change.improved ? "better" : "worse";
}

function verdict(change: MeasureChange, count: number): string {
  if (change.first === null) return "Not measured yet";
  if (change.improved === true) return "▲ Better";
  if (change.improved === false) return "▼ Worse";
  if (!change.change) return count < 2 ? "Analyse another interview to see a change" : "No change";
  return "Neither better nor worse: a pace is good within a range";
}

/** "53.1/100", "25 %", "160 words/min": a unit that divides follows the figure without a space. */
export function withUnit(figure: string, unit: string): string {
  return unit.startsWith("/") ? `${figure}${unit}` : `${figure} ${unit}`;
}
