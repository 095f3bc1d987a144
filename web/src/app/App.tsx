import { lazy, Suspense } from "react";
import { Navigate, Route, Routes } from "react-router";

import { useSession } from "../auth/session";
import { Layout } from "../components/Layout";
import { SignInPage } from "../features/auth/SignInPage";

// Each page is its own chunk: the first load carries only the shell and the sign-in page.
const DashboardPage = lazy(() => import("../features/interviews/DashboardPage"));
const NewInterviewPage = lazy(() => import("../features/upload/NewInterviewPage"));
const InterviewPage = lazy(() => import("../features/review/InterviewPage"));
const SettingsPage = lazy(() => import("../features/settings/SettingsPage"));

export function App() {
  const session = useSession();
  if (session === null) {
    // Signed out: nothing but the sign-in page, whatever the address.
    return (
      <Routes>
        <Route path="*" element={<SignInPage />} />
      </Routes>
    );
  }
  // gateway/web_app.py serves index.html for these paths (no API path starts so).
  return (
    <Layout userId={session.userId}>
      <Suspense fallback={<p role="status">Loading…</p>}>
        <Routes>
          <Route path="/" element={<DashboardPage />} />
          <Route path="/new" element={<NewInterviewPage />} />
          <Route path="/review/:interviewId" element={<InterviewPage />} />
          <Route path="/settings" element={<SettingsPage />} />
          <Route path="/sign-in" element={<Navigate to="/" replace />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Suspense>
    </Layout>
  );
}

function NotFound() {
  return (
    <section aria-labelledby="not-found">
      <h1 id="not-found">Page not found</h1>
      <p>There is no page at this address. Go back to your interviews.</p>
    </section>
  );
}
