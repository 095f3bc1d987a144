import { useSearchParams } from "react-router";

import { describeError } from "../../components/ErrorNote";
import { PREP_SESSION_PARAM, sessionTitle, usePrepSessions } from "./api";

/** An optional choice of the user's prep sessions, sent as the form's `prep_session_id`. */
export function PrepSessionPicker() {
  const sessions = usePrepSessions();
  const [search] = useSearchParams();
  const wanted = search.get(PREP_SESSION_PARAM) ?? "";
  const items = sessions.data?.items ?? [];

  return (
    <>
      <label htmlFor="prep-session">Prep session you practised with (optional)</label>
      <select
        id="prep-session"
        name="prep_session_id"
        data-testid="prep-session"
        aria-describedby="prep-session-hint"
        // Keyed by the list so the preselected session is chosen once the list has come.
        key={items.length}
        defaultValue={items.some((item) => item.prep_session_id === wanted) ? wanted : ""}
        disabled={sessions.isPending}
      >
        <option value="">{sessions.isPending ? "Loading your prep sessions…" : "None"}</option>
        {items.map((item) => (
          <option key={item.prep_session_id} value={item.prep_session_id}>
            {sessionTitle(item)} · {new Date(item.created_at).toLocaleDateString()} · {item.answer_count} answers
          </option>
        ))}
      </select>
      <p id="prep-session-hint" className="hint">
        {sessions.isError
          ? `Your prep sessions cannot be listed: ${describeError(sessions.error)}`
          : "The analysis then sets what you practised beside what you were asked."}
      </p>
    </>
  );
}
