import { Dashboard } from "../components/Dashboard";

// The session lives in an HttpOnly cookie the backend checks; the dashboard asks GET /api/me
// and sends a signed-out visitor to /sign-in.
export default function HomePage() {
  return <Dashboard />;
}
