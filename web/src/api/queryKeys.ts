// The query cache's keys, in one place: pages ask for data by them, and the live updates
// (src/live/) write into the same entries.
export const interviewKeys = {
  all: ["interviews"] as const,
  pages: ["interviews", "page"] as const,
  page: (offset: number) => ["interviews", "page", offset] as const,
  one: (interviewId: string) => ["interviews", interviewId] as const,
  status: (interviewId: string) => ["interviews", interviewId, "status"] as const,
};

export const accountKeys = {
  settings: ["me", "settings"] as const,
};
