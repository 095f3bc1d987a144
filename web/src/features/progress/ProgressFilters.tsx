import { INTERVIEW_TYPE_LABELS, isInterviewType } from "../../components/interviewTypes";
import type { Progress } from "./api";

export type FilterChoice = { company: string; type: string };

/** Filters by company and interview type; the choices are those of my analysed interviews. A
 * choice that is in the address but not among them stays shown, so nothing is silently dropped. */
export function ProgressFilters({
  progress,
  choice,
  onChange,
}: {
  progress: Progress;
  choice: FilterChoice;
  onChange: (choice: FilterChoice) => void;
}) {
  const companies = withCurrent(progress.companies, choice.company);
  const types = withCurrent(progress.interview_types, isInterviewType(choice.type) ? choice.type : "");
  return (
    <form className="filters" aria-label="Filter the interviews" onSubmit={(event) => event.preventDefault()}>
      <div>
        <label htmlFor="filter-company">Company</label>
        <select
          id="filter-company"
          data-testid="filter-company"
          value={choice.company}
          onChange={(event) => onChange({ ...choice, company: event.target.value })}
        >
          <option value="">All companies</option>
          {companies.map((company) => (
            <option key={company} value={company}>
              {company}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="filter-type">Interview type</label>
        <select
          id="filter-type"
          data-testid="filter-type"
          value={isInterviewType(choice.type) ? choice.type : ""}
          onChange={(event) => onChange({ ...choice, type: event.target.value })}
        >
          <option value="">All types</option>
          {types.map((type) => (
            <option key={type} value={type}>
              {isInterviewType(type) ? INTERVIEW_TYPE_LABELS[type] : type}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}

function withCurrent(choices: string[], current: string): string[] {
  const known = choices.some((choice) => choice.toLowerCase() === current.toLowerCase());
  return current && !known ? [...choices, current] : choices;
}
