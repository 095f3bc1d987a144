import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, type Schemas, unwrap } from "../../api/client";
import { accountKeys } from "../../api/queryKeys";
import { signOut } from "../../auth/session";

export type UserSettings = Schemas["UserSettingsPublic"];
export type UserSettingsUpdate = Schemas["UserSettingsUpdate"];

/** The longest retention the API takes (gateway/models/me.py, MAX_RETENTION_DAYS). */
export const MAX_RETENTION_DAYS = 3650;

export function useSettings() {
  return useQuery({
    queryKey: accountKeys.settings,
    queryFn: async () => unwrap(await api.GET("/me/settings")),
  });
}

export function useSaveSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (change: UserSettingsUpdate) => unwrap(await api.PUT("/me/settings", { body: change })),
    onSuccess: (saved) => queryClient.setQueryData(accountKeys.settings, saved),
  });
}

export function useDeleteAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const answer = await api.DELETE("/me");
      if (!answer.response.ok) unwrap(answer);
    },
    onSuccess: () => {
      queryClient.clear();
      signOut("Your account was deleted, with your interviews, recordings, analyses and settings.");
    },
  });
}

/** Why the retention typed in cannot be saved, in words, or null when it can. */
export function retentionProblem(typed: string): string | null {
  const text = typed.trim();
  if (text === "") return "Say how many days to keep your recordings (1 to 3650).";
  if (!/^\d+$/.test(text)) return `“${text}” is not a whole number of days: type a number from 1 to 3650.`;
  const days = Number(text);
  if (days < 1 || days > MAX_RETENTION_DAYS) {
    return `${days} days is outside what can be kept: choose from 1 to ${MAX_RETENTION_DAYS} days (10 years).`;
  }
  return null;
}
