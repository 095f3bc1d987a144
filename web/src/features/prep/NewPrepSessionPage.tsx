import { type FormEvent, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";

import { describeError } from "../../components/ErrorNote";
import { INTERVIEW_TYPE_LABELS, type InterviewType } from "../../components/interviewTypes";
import { useCreatePrepSession } from "./api";
import {
  EMPTY_FORM,
  JOB_DESCRIPTION_MAX,
  problemsOf,
  QUESTIONS_MAX,
  QUESTIONS_MIN,
  requestOf,
  type SessionField,
  type SessionForm,
  type SessionProblems,
} from "./sessionForm";
import "./prep.css";

const FIELD_IDS: Record<SessionField, string> = {
  company: "prep-company",
  jobTitle: "prep-job-title",
  interviewType: "prep-type",
  jobDescription: "prep-job-description",
  questionCount: "prep-question-count",
};

export default function NewPrepSessionPage() {
  const navigate = useNavigate();
  const create = useCreatePrepSession();
  const [form, setForm] = useState<SessionForm>(EMPTY_FORM);
  const [problems, setProblems] = useState<SessionProblems>({});
  const formRef = useRef<HTMLFormElement>(null);

  function change(field: SessionField, value: string) {
    const next = { ...form, [field]: value };
    setForm(next);
    // A problem goes away as soon as it is mended; new ones are said when the form is sent.
    if (problems[field] !== undefined) setProblems((now) => ({ ...now, [field]: problemsOf(next)[field] }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = problemsOf(form);
    setProblems(found);
    const first = (Object.keys(FIELD_IDS) as SessionField[]).find((field) => found[field] !== undefined);
    if (first !== undefined) {
      formRef.current?.querySelector<HTMLElement>(`#${FIELD_IDS[first]}`)?.focus();
      return;
    }
    create.mutate(requestOf(form), {
      onSuccess: (session) => navigate(`/prep/${encodeURIComponent(session.prep_session_id)}`),
    });
  }

  const problemCount = Object.values(problems).filter((found) => found !== undefined).length;
  const field = (name: SessionField) => ({
    id: FIELD_IDS[name],
    name,
    value: form[name],
    "aria-invalid": problems[name] !== undefined,
    "aria-describedby": `${FIELD_IDS[name]}-problem`,
  });
  const problem = (name: SessionField) => (
    <p id={`${FIELD_IDS[name]}-problem`} className="error" data-testid={`problem-${name}`}>
      {problems[name]}
    </p>
  );

  return (
    <section aria-labelledby="new-prep-title">
      <p>
        <Link to="/prep">← My prep sessions</Link>
      </p>
      <h1 id="new-prep-title">New prep session</h1>
      <p>Say what the interview is for: you get questions to practise, chosen for the role and the job description.</p>
      <form ref={formRef} onSubmit={submit} noValidate>
        <fieldset disabled={create.isPending}>
          <legend>The interview you are preparing for</legend>
          <label htmlFor={FIELD_IDS.jobTitle}>Role (required)</label>
          <input {...field("jobTitle")} data-testid="prep-job-title" onChange={(e) => change("jobTitle", e.target.value)} />
          {problem("jobTitle")}
          <label htmlFor={FIELD_IDS.company}>Company</label>
          <input {...field("company")} data-testid="prep-company" onChange={(e) => change("company", e.target.value)} />
          {problem("company")}
          <label htmlFor={FIELD_IDS.interviewType}>Interview type</label>
          <select
            {...field("interviewType")}
            data-testid="prep-type"
            onChange={(e) => change("interviewType", e.target.value as InterviewType | "")}
          >
            <option value="">Any</option>
            {Object.entries(INTERVIEW_TYPE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          {problem("interviewType")}
          <label htmlFor={FIELD_IDS.jobDescription}>Job description</label>
          <textarea
            {...field("jobDescription")}
            data-testid="prep-job-description"
            rows={6}
            onChange={(e) => change("jobDescription", e.target.value)}
          />
          <p className="hint">
            Paste the advert: questions are ranked by it. {form.jobDescription.length.toLocaleString()} of{" "}
            {JOB_DESCRIPTION_MAX.toLocaleString()} characters.
          </p>
          {problem("jobDescription")}
          <label htmlFor={FIELD_IDS.questionCount}>
            Number of questions ({QUESTIONS_MIN} to {QUESTIONS_MAX})
          </label>
          <input
            {...field("questionCount")}
            data-testid="prep-question-count"
            type="number"
            inputMode="numeric"
            min={QUESTIONS_MIN}
            max={QUESTIONS_MAX}
            className="narrow"
            onChange={(e) => change("questionCount", e.target.value)}
          />
          {problem("questionCount")}
        </fieldset>
        <button type="submit" data-testid="create-prep-session" disabled={create.isPending}>
          {create.isPending ? "Choosing questions…" : "Create the session"}
        </button>
        {create.isError && (
          <p role="alert" className="error">
            {describeError(create.error)} Nothing you typed is lost: send it again.
          </p>
        )}
        {problemCount > 0 && (
          <p role="alert" className="error" data-testid="form-problems">
            {problemCount === 1 ? "One field needs" : `${problemCount} fields need`} your attention before the
            session can be created.
          </p>
        )}
      </form>
    </section>
  );
}
