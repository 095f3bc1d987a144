import { type FormEvent, type KeyboardEvent, useRef, useState } from "react";

import { describeError } from "../../components/ErrorNote";
import { useAnswerQuestion } from "./api";

/** The gateway's limit on a practice answer (gateway/models/prep.py, PracticeAnswerCreate). */
export const ANSWER_MAX = 10_000;

/** Why the answer cannot be sent, in words, or null when it can. */
export function answerProblem(answer: string): string | null {
  if (answer.trim() === "") return "Write your answer before sending it.";
  if (answer.length > ANSWER_MAX) {
    return (
      `Your answer is ${answer.length.toLocaleString()} characters; an answer may be at most ` +
      `${ANSWER_MAX.toLocaleString()}. Shorten it and send it again: what you wrote is still here.`
    );
  }
  return null;
}

/** The chat's input: Enter for a new line, Ctrl+Enter (⌘+Enter) or the button to send. What was
 * typed stays until the gateway has the attempt, so a refusal or a lost connection loses nothing. */
export function AnswerBox({
  sessionId,
  questionId,
  answered,
}: {
  sessionId: string;
  questionId: string;
  answered: boolean;
}) {
  const [answer, setAnswer] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const send = useAnswerQuestion(sessionId, questionId);
  const box = useRef<HTMLTextAreaElement>(null);

  function submit(event?: FormEvent) {
    event?.preventDefault();
    if (send.isPending) return;
    const found = answerProblem(answer);
    setProblem(found);
    if (found !== null) {
      box.current?.focus();
      return;
    }
    send.mutate(answer.trim(), {
      onSuccess: () => {
        setAnswer("");
        box.current?.focus();
      },
    });
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) submit();
  }

  return (
    <form onSubmit={submit} className="answer-box" noValidate>
      <label htmlFor="practice-answer">{answered ? "Answer again" : "Your answer"}</label>
      <textarea
        id="practice-answer"
        ref={box}
        data-testid="answer"
        rows={6}
        value={answer}
        aria-invalid={problem !== null}
        aria-describedby="answer-hint answer-problem"
        onChange={(event) => {
          setAnswer(event.target.value);
          if (problem !== null) setProblem(answerProblem(event.target.value));
        }}
        onKeyDown={onKeyDown}
      />
      <p id="answer-hint" className="hint">
        {answer.length.toLocaleString()} of {ANSWER_MAX.toLocaleString()} characters. Ctrl+Enter sends.
      </p>
      <p id="answer-problem" role="alert" className="error" data-testid="answer-problem">
        {problem ?? (send.isError ? `${describeError(send.error)} Your answer is still here: send it again.` : null)}
      </p>
      {send.isPaused && (
        <p role="status" className="notice" data-testid="answer-waiting">
          You are offline. Your answer is sent as soon as the connection is back; it stays here until then.
        </p>
      )}
      <button type="submit" data-testid="send-answer" disabled={send.isPending}>
        {send.isPending ? "Reading your answer…" : "Send"}
      </button>
    </form>
  );
}
