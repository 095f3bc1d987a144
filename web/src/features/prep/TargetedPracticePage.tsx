import { Link, useNavigate } from "react-router";

import { ErrorNote, describeError } from "../../components/ErrorNote";
import { type SkillName, type TargetedPractice, useCreatePrepSession, useTargetedPractice } from "./api";
import { QuestionOrigin } from "./QuestionOrigin";
import "./prep.css";

const SKILL_LABELS: Record<SkillName, string> = {
  results: "Ending with the result",
  actions: "Saying what you did yourself",
  context: "Setting the scene",
  relevance: "Answering the question asked",
  confidence: "Saying it plainly",
};

export default function TargetedPracticePage() {
  const targeted = useTargetedPractice();

  return (
    <section aria-labelledby="targeted-title">
      <p>
        <Link to="/prep">← My prep sessions</Link>
      </p>
      <h1 id="targeted-title">Practise your weakest skills</h1>
      <p>
        Each skill’s level is the share of your answers in analysed interviews that got it right. The questions below
        practise the weakest.
      </p>
      {targeted.isPending && <p role="status">Reading your analysed interviews…</p>}
      {targeted.isError && <ErrorNote error={targeted.error} />}
      {targeted.data && targeted.data.answers_seen === 0 && (
        <div className="empty" data-testid="nothing-to-target">
          <h2>No analysed interviews yet</h2>
          <p>
            Your skills are read from the answers in your analysed interviews, and you have none yet. Upload the
            recording of an interview first, or prepare with questions for a job.
          </p>
          <p className="actions">
            <Link to="/new" className="button">
              Upload an interview
            </Link>
            <Link to="/prep/new" className="button secondary">
              New prep session
            </Link>
          </p>
        </div>
      )}
      {targeted.data && targeted.data.answers_seen > 0 && <Targeted practice={targeted.data} />}
    </section>
  );
}

function Targeted({ practice }: { practice: TargetedPractice }) {
  const navigate = useNavigate();
  const create = useCreatePrepSession();
  const skills = Object.keys(SKILL_LABELS) as SkillName[];
  const start = () =>
    create.mutate(
      { targeted: true, question_count: Math.max(1, practice.questions.length) },
      { onSuccess: (session) => navigate(`/prep/${encodeURIComponent(session.prep_session_id)}`) },
    );

  return (
    <>
      <h2>
        Your skills over {practice.answers_seen} answer{practice.answers_seen === 1 ? "" : "s"}
      </h2>
      <table className="interviews">
        <caption className="visually-hidden">Skill levels, 0 to 100</caption>
        <thead>
          <tr>
            <th scope="col">Skill</th>
            <th scope="col">Level</th>
          </tr>
        </thead>
        <tbody>
          {skills.map((skill) => (
            <tr key={skill} data-testid="skill-level" data-skill={skill}>
              <th scope="row">
                {SKILL_LABELS[skill]}
                {practice.weakest.includes(skill) && (
                  <span className="badge badge-failed badge-after" data-testid="weakest">
                    weakest
                  </span>
                )}
              </th>
              <td data-testid="level">{practice.levels[skill] ?? "—"} %</td>
            </tr>
          ))}
        </tbody>
      </table>
      {practice.weakest.length === 0 ? (
        <p data-testid="no-weak-skill">Every skill is at 80 % or more: nothing to target. Practise for a job instead.</p>
      ) : (
        <>
          <h2>Questions for your weakest skills</h2>
          <ol className="prep-questions">
            {practice.questions.map((question) => (
              <li key={question.id} className="card" data-testid="targeted-question">
                <p className="question-text">{question.question}</p>
                <p className="question-meta">
                  <QuestionOrigin aiGenerated={question.ai_generated} />
                  <span className="hint"> {question.why}</span>
                </p>
              </li>
            ))}
          </ol>
          <button type="button" data-testid="start-targeted" onClick={start} disabled={create.isPending}>
            {create.isPending ? "Creating the session…" : "Practise these questions"}
          </button>
          {create.isError && (
            <p role="alert" className="error">
              {describeError(create.error)}
            </p>
          )}
        </>
      )}
      {practice.progress.length > 1 && <Progress practice={practice} skills={skills} />}
    </>
  );
}

function Progress({ practice, skills }: { practice: TargetedPractice; skills: SkillName[] }) {
  return (
    <>
      <h2>Over time</h2>
      <table className="interviews">
        <caption className="visually-hidden">Skill levels per analysed interview, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">Analysed</th>
            {skills.map((skill) => (
              <th key={skill} scope="col">
                {SKILL_LABELS[skill]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {practice.progress.map((point) => (
            <tr key={point.interview_id}>
              <th scope="row">
                <Link to={`/review/${encodeURIComponent(point.interview_id)}`}>
                  {new Date(point.completed_at).toLocaleDateString()}
                </Link>
              </th>
              {skills.map((skill) => (
                <td key={skill}>{point.levels[skill] ?? "—"} %</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
