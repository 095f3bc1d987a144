import { lazy, Suspense, useEffect } from "react";
import { Navigate, Route, Routes } from "react-router";

import { useSession } from "../auth/session";
import { Layout } from "../components/Layout";
import { SignInPage } from "../features/auth/SignInPage";

// Each page is its own chunk: the first load carries only the shell and the sign-in page.
const DashboardPage = lazy(() => import("../features/interviews/DashboardPage"));
const NewInterviewPage = lazy(() => import("../features/upload/NewInterviewPage"));
const InterviewPage = lazy(() => import("../features/review/InterviewPage"));
const PrepSessionsPage = lazy(() => import("../features/prep/PrepSessionsPage"));
const NewPrepSessionPage = lazy(() => import("../features/prep/NewPrepSessionPage"));
const TargetedPracticePage = lazy(() => import("../features/prep/TargetedPracticePage"));
const PrepSessionPage = lazy(() => import("../features/prep/PrepSessionPage"));
const PracticePage = lazy(() => import("../features/prep/PracticePage"));
const ComparisonPage = lazy(() => import("../features/comparison/ComparisonPage"));
const ProgressPage = lazy(() => import("../features/progress/ProgressPage"));
const SettingsPage = lazy(() => import("../features/settings/SettingsPage"));

export function App() {
  const session = useSession();
  const provider = session?.provider;
  useEffect(() => {
    // A Firebase session outlives a reload in this tab: Firebase again, to keep its token fresh.
    if (provider === "firebase") void import("../auth/firebase").then((firebase) => firebase.resumeFirebase());
  }, [provider]);
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
          <Route path="/review/:interviewId/comparison" element={<ComparisonPage />} />
          <Route path="/prep" element={<PrepSessionsPage />} />
          <Route path="/prep/new" element={<NewPrepSessionPage />} />
          <Route path="/prep/targeted" element={<TargetedPracticePage />} />
          <Route path="/prep/:sessionId" element={<PrepSessionPage />} />
          <Route path="/prep/:sessionId/questions/:questionId" element={<PracticePage />} />
          <Route path="/progress" element={<ProgressPage />} />
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
