import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, type Schemas, unwrap } from "../../api/client";
import { interviewKeys } from "../../api/queryKeys";
import { useLiveUp } from "../../live/LiveUpdates";

export { interviewKeys };

export type Interview = Schemas["InterviewPublic"];
export type InterviewStatus = Interview["status"];
export const PAGE_SIZE = 10;

/** The statuses a person reads: the API's words in lower case. */
export function statusWord(status: InterviewStatus): string {
  return status.toLowerCase();
}

export function isSettled(status: InterviewStatus): boolean {
  return status === "COMPLETED" || status === "FAILED";
}

export function useInterviewPage(offset: number) {
  const live = useLiveUp();
  return useQuery({
    queryKey: interviewKeys.page(offset),
    queryFn: async () =>
      unwrap(await api.GET("/interviews", { params: { query: { limit: PAGE_SIZE, offset } } })),
    placeholderData: keepPreviousData,
    // Statuses come over the live connection; polled only while it is down.
    refetchInterval: (query) =>
      !live && query.state.data?.data.some((interview) => !isSettled(interview.status)) ? 3000 : false,
  });
}

export type InterviewUpdate = Schemas["InterviewUpdate"];
export type { InterviewType } from "../../components/interviewTypes";

/** Edit the metadata of the version the user read (If-Match): a 412 says someone changed it since. */
export function useUpdateInterview() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ interview, change }: { interview: Interview; change: InterviewUpdate }) =>
      unwrap(
        await api.PATCH("/interviews/{interview_id}", {
          params: { path: { interview_id: interview.interview_id }, header: { "if-match": `"${interview.version}"` } },
          body: change,
        }),
      ),
    // Saved or refused, the lists are read again: the new values, or the version to edit now.
    onSettled: () => queryClient.invalidateQueries({ queryKey: interviewKeys.all }),
  });
}

export function useDeleteInterview() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (interviewId: string) => {
      const answer = await api.DELETE("/interviews/{interview_id}", {
        params: { path: { interview_id: interviewId } },
      });
      // Gone already (another tab deleted it) is what the user asked for.
      if (!answer.response.ok && answer.response.status !== 404) unwrap(answer);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: interviewKeys.all }),
  });
}

export function titleOf(interview: Interview): string {
  return [interview.company, interview.job_title].filter(Boolean).join(" · ") || "Untitled interview";
}
