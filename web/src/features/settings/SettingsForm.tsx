import { type FormEvent, useState } from "react";

import { MAX_RETENTION_DAYS, retentionProblem, type UserSettings, type useSaveSettings } from "./api";

/** Retention and email notifications; a bad retention is named and nothing typed is lost. */
export function SettingsForm({ saved, save }: { saved: UserSettings; save: ReturnType<typeof useSaveSettings> }) {
  const [retention, setRetention] = useState(String(saved.retention_days));
  const [email, setEmail] = useState(saved.email_notifications);
  const [problem, setProblem] = useState<string | null>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = retentionProblem(retention);
    setProblem(found);
    if (found !== null) return;
    save.mutate({ retention_days: Number(retention.trim()), email_notifications: email });
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="preferences-title">
      <fieldset>
        <legend id="preferences-title">Recordings and notifications</legend>
        <label htmlFor="retention-days">Keep my recordings for (days)</label>
        <input
          id="retention-days"
          data-testid="retention-days"
          inputMode="numeric"
          value={retention}
          aria-invalid={problem !== null}
          aria-describedby="retention-hint retention-problem"
          onChange={(event) => setRetention(event.target.value)}
        />
        <p id="retention-hint" className="hint">
          1 to {MAX_RETENTION_DAYS} days after the upload
          {saved.retention_is_default ? ` (now the service's default, ${saved.retention_days} days)` : ""}. Transcripts
          and analyses stay after a recording is deleted.
        </p>
        <p id="retention-problem" role="alert" className="error" data-testid="retention-problem">
          {problem}
        </p>
        <label className="checkbox">
          <input
            type="checkbox"
            data-testid="email-notifications"
            checked={email}
            onChange={(event) => setEmail(event.target.checked)}
          />
          Email me when an analysis is ready or has failed
        </label>
        <p className="hint">Notifications in the app come either way.</p>
      </fieldset>
      <div className="form-actions">
        <button type="submit" data-testid="save-settings" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save settings"}
        </button>
        {!saved.retention_is_default && (
          <button
            type="button"
            className="secondary"
            disabled={save.isPending}
            onClick={() => save.mutate({ retention_days: null })}
          >
            Use the default retention
          </button>
        )}
      </div>
    </form>
  );
}
