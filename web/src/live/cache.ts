// What a live message changes in the query cache, so that every page showing an interview
// shows the change without asking the gateway again.
import type { Query, QueryClient } from "@tanstack/react-query";

import { api, type Schemas } from "../api/client";
import { accountKeys, interviewKeys } from "../api/queryKeys";

type StateMessage = Schemas["InterviewStateMessage"];
type Status = Schemas["StatusPublic"];
type InterviewsPage = Schemas["InterviewsPublic"];

function settled(status: Status["status"]): boolean {
  return status === "COMPLETED" || status === "FAILED";
}

export function applyInterviewState(client: QueryClient, message: StateMessage): void {
  const { type: _type, updated_at: _updatedAt, ...status } = message;
  if (settled(status.status)) {
    // The socket runs ahead of the read model: the analysis and the score of a run that just
    // finished are readable a moment later. Shown once the gateway serves them too, so that no
    // page asks for an analysis that is not there yet, or reads an older status back.
    void readModelAgrees(status).then(() => {
      showStatus(client, status);
      void client.invalidateQueries({ queryKey: interviewKeys.pages });
      void client.invalidateQueries({
        queryKey: interviewKeys.one(status.interview_id),
        predicate: (query) => query.queryKey[2] !== "status" && query.queryKey[2] !== "transcript-file",
      });
    });
    return;
  }
  // An interview no page holds yet (made in another tab) belongs at the top of the first.
  if (!showStatus(client, status) && status.status !== "TRANSCRIBING") {
    void client.invalidateQueries({ queryKey: interviewKeys.pages });
  }
}

/** The status in the status query and in the rows of every page; false when no page lists it. */
function showStatus(client: QueryClient, status: Status): boolean {
  const interviewId = status.interview_id;
  client.setQueryData<Status>(interviewKeys.status(interviewId), status);
  let listed = false;
  client.setQueriesData<InterviewsPage>({ queryKey: interviewKeys.pages }, (page) => {
    if (page === undefined || !page.data.some((row) => row.interview_id === interviewId)) return page;
    listed = true;
    return { ...page, data: page.data.map((row) => (row.interview_id === interviewId ? { ...row, ...status } : row)) };
  });
  return listed;
}

const READ_MODEL_WAITS_MS = [0, 200, 400, 800, 1600, 3200, 6400];

async function readModelAgrees(status: Status): Promise<void> {
  for (const wait of READ_MODEL_WAITS_MS) {
    await new Promise((resolve) => window.setTimeout(resolve, wait));
    const answer = await api
      .GET("/interviews/{interview_id}", { params: { path: { interview_id: status.interview_id } } })
      .catch(() => null);
    const stored = answer?.data;
    if (stored === undefined) continue;
    if (stored.run > status.run || (stored.run === status.run && stored.status === status.status)) return;
  }
}

/** After a gap (the socket was down, or not yet open), what may have changed meanwhile is
 * asked for again: interview lists, statuses and details, settings, and whatever failed. */
export function refreshAfterGap(client: QueryClient): void {
  void client.invalidateQueries({ predicate: mayHaveChanged });
}

function mayHaveChanged(query: Query): boolean {
  if (query.state.status === "error") return true;
  const [root, second, third] = query.queryKey;
  if (root === accountKeys.settings[0]) return true;
  if (root !== interviewKeys.all[0]) return false;
  return second === "page" || third === undefined || third === "status";
}
