import { requireActor } from "@/lib/auth/session";
import { settingsOf } from "@/lib/mail/settings";
import { timeZones } from "@/lib/people/time-zone";
import { NotificationsForm } from "./NotificationsForm";
import { saveSettingsAction } from "./actions";

export const metadata = { title: "Settings" };

export default async function SettingsPage() {
  const actor = await requireActor();
  const settings = await settingsOf(actor);
  return (
    <>
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      <p className="summary">Mail goes to {settings.email}. Choose what you want to hear about.</p>
      <NotificationsForm
        save={saveSettingsAction}
        choices={settings.kinds}
        legend="Email me when"
        button="Save settings"
        timeZone={{ value: settings.timeZone, zones: timeZones() }}
        shortcuts={settings.keyboardShortcuts}
      />
    </>
  );
}
