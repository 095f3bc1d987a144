import { describeError, ErrorNote } from "../../components/ErrorNote";
import { useSaveSettings, useSettings } from "./api";
import { DeleteAccount } from "./DeleteAccount";
import { SettingsForm } from "./SettingsForm";

export default function SettingsPage() {
  const settings = useSettings();
  const save = useSaveSettings();
  return (
    <section aria-labelledby="settings-title" className="settings">
      <h1 id="settings-title">Settings</h1>
      {settings.isPending && <p role="status">Loading your settings…</p>}
      {settings.isError && <ErrorNote error={settings.error} />}
      {/* Keyed by the saved values: what was typed is kept until those change. */}
      {settings.data && (
        <SettingsForm
          key={`${settings.data.retention_days}/${settings.data.email_notifications}`}
          saved={settings.data}
          save={save}
        />
      )}
      <p role="status" data-testid="settings-saved">
        {save.isSuccess && "Settings saved."}
      </p>
      {save.isError && (
        <p role="alert" className="error">
          {describeError(save.error)}
        </p>
      )}
      <DeleteAccount />
    </section>
  );
}
