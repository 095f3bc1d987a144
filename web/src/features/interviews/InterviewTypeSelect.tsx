import { INTERVIEW_TYPE_LABELS } from "../../components/interviewTypes";

/** The kind of interview, as a select named `interview_type` ("" for not said). */
export function InterviewTypeSelect({ id, defaultValue }: { id: string; defaultValue: string }) {
  return (
    <select id={id} name="interview_type" defaultValue={defaultValue}>
      <option value="">Not said</option>
      {Object.entries(INTERVIEW_TYPE_LABELS).map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </select>
  );
}
