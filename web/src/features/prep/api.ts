import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, type Schemas, unwrap } from "../../api/client";

export type PrepSession = Schemas["PrepSessionPublic"];
export type PrepSessionSummary = Schemas["PrepSessionSummary"];
export type PrepSessionCreate = Schemas["PrepSessionCreate"];
export type PrepQuestion = Schemas["PrepQuestionPublic"];
export type PracticeAnswer = Schemas["PracticeAnswerPublic"];
export type PracticeFeedback = Schemas["PracticeFeedback"];
export type TargetedPractice = Schemas["TargetedPracticePublic"];
export type SkillName = Schemas["TargetedQuestion"]["skill"];

/** The query parameter of /new that preselects a prep session (a session's page links there). */
export const PREP_SESSION_PARAM = "prep_session";

/** The most sessions a page lists (the API's own limit). */
export const SESSIONS_LISTED = 100;

export const prepKeys = {
  sessions: ["prep-sessions"] as const,
  session: (sessionId: string) => ["prep-sessions", sessionId] as const,
  answers: (sessionId: string, questionId: string) => ["prep-sessions", sessionId, "answers", questionId] as const,
  targeted: ["practice", "targeted"] as const,
};

/** What a session is for, in a few words: company · role, or that it targets weak skills. */
export function sessionTitle(session: { company: string | null; job_title: string | null; targeted: boolean }): string {
  const named = [session.company, session.job_title].filter(Boolean).join(" · ");
  if (named) return named;
  return session.targeted ? "Targeted practice" : "General practice";
}

export function usePrepSessions() {
  return useQuery({
    queryKey: prepKeys.sessions,
    queryFn: async () =>
      unwrap(await api.GET("/prep-sessions", { params: { query: { limit: SESSIONS_LISTED, offset: 0 } } })),
  });
}

export function usePrepSession(sessionId: string) {
  return useQuery({
    queryKey: prepKeys.session(sessionId),
    queryFn: async () =>
      unwrap(
        await api.GET("/prep-sessions/{prep_session_id}", { params: { path: { prep_session_id: sessionId } } }),
      ),
  });
}

export function useCreatePrepSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: PrepSessionCreate) => unwrap(await api.POST("/prep-sessions", { body })),
    onSuccess: (session) => {
      queryClient.setQueryData(prepKeys.session(session.prep_session_id), session);
      void queryClient.invalidateQueries({ queryKey: prepKeys.sessions, exact: true });
    },
  });
}

export function useAnswers(sessionId: string, questionId: string) {
  return useQuery({
    queryKey: prepKeys.answers(sessionId, questionId),
    queryFn: async () =>
      unwrap(
        await api.GET("/prep-sessions/{prep_session_id}/questions/{question_id}/answers", {
          params: { path: { prep_session_id: sessionId, question_id: questionId } },
        }),
      ),
  });
}

export function useAnswerQuestion(sessionId: string, questionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (answer: string) =>
      unwrap(
        await api.POST("/prep-sessions/{prep_session_id}/questions/{question_id}/answers", {
          params: { path: { prep_session_id: sessionId, question_id: questionId } },
          body: { answer },
        }),
      ),
    onSuccess: (attempt) => {
      queryClient.setQueryData<PracticeAnswer[]>(prepKeys.answers(sessionId, questionId), (earlier) => [
        ...(earlier ?? []),
        attempt,
      ]);
      // The session's attempt counts and latest feedback, and the list's answer count.
      void queryClient.invalidateQueries({ queryKey: prepKeys.session(sessionId), exact: true });
      void queryClient.invalidateQueries({ queryKey: prepKeys.sessions, exact: true });
    },
  });
}

export function useTargetedPractice() {
  return useQuery({
    queryKey: prepKeys.targeted,
    queryFn: async () => unwrap(await api.GET("/practice/targeted")),
  });
}
