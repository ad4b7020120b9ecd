// A stand-in for next/navigation (the real one needs a mounted App Router). Tests use it as
//   vi.mock("next/navigation", () => import("./router"));
import { vi } from "vitest";

export const router = { replace: vi.fn(), push: vi.fn(), refresh: vi.fn(), back: vi.fn(), prefetch: vi.fn() };

export const useRouter = () => router;
