import type { Analysis } from "./api";

/** What limits this analysis (preliminary, speakers uncertain, not an interview), said first. */
export function WarningsNote({ analysis }: { analysis: Analysis }) {
  if (analysis.warnings.length === 0) return null;
  return (
    <section aria-labelledby="warnings-title" className="notice" data-testid="warnings">
      <h2 id="warnings-title">{analysis.preliminary ? "Preliminary analysis: please note" : "Please note"}</h2>
      <ul>
        {analysis.warnings.map((warning) => (
          <li key={warning} data-testid="warning">
            {warning}
          </li>
        ))}
      </ul>
    </section>
  );
}
