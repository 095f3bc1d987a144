// What a new prep session's form holds, and what is wrong with it in words. The limits are the
// gateway's (gateway/models/prep.py, PrepSessionCreate): checked here so nothing is sent that
// would be refused, and the person is told which field and why.
import type { InterviewType } from "../../components/interviewTypes";
import type { PrepSessionCreate } from "./api";

export const NAME_MAX = 200;
export const JOB_DESCRIPTION_MAX = 20_000;
export const QUESTIONS_MIN = 1;
export const QUESTIONS_MAX = 20;

export interface SessionForm {
  company: string;
  jobTitle: string;
  interviewType: InterviewType | "";
  jobDescription: string;
  questionCount: string;
}

export type SessionField = keyof SessionForm;
export type SessionProblems = Partial<Record<SessionField, string>>;

export const EMPTY_FORM: SessionForm = {
  company: "",
  jobTitle: "",
  interviewType: "",
  jobDescription: "",
  questionCount: "8",
};

function tooLong(label: string, text: string, most: number): string | undefined {
  return text.length > most
    ? `${label} is ${text.length.toLocaleString()} characters; the most is ${most.toLocaleString()}. Shorten it.`
    : undefined;
}

/** Each field's problem, in words; an empty object when the form can be sent. */
export function problemsOf(form: SessionForm): SessionProblems {
  const problems: SessionProblems = {};
  const count = Number(form.questionCount);
  if (form.jobTitle.trim() === "") {
    problems.jobTitle = "Say which role you are preparing for: the questions are chosen for it.";
  } else {
    problems.jobTitle = tooLong("The role", form.jobTitle, NAME_MAX);
  }
  problems.company = tooLong("The company", form.company, NAME_MAX);
  problems.jobDescription = tooLong("The job description", form.jobDescription, JOB_DESCRIPTION_MAX);
  if (!Number.isInteger(count) || count < QUESTIONS_MIN || count > QUESTIONS_MAX) {
    problems.questionCount = `Choose between ${QUESTIONS_MIN} and ${QUESTIONS_MAX} questions.`;
  }
  return Object.fromEntries(Object.entries(problems).filter(([, problem]) => problem !== undefined));
}

export function requestOf(form: SessionForm): PrepSessionCreate {
  const text = (value: string) => (value.trim() === "" ? null : value.trim());
  return {
    company: text(form.company),
    job_title: text(form.jobTitle),
    interview_type: form.interviewType === "" ? null : form.interviewType,
    job_description: text(form.jobDescription),
    question_count: Number(form.questionCount),
    targeted: false,
  };
}
