/**
 * How the dashboard gets its first-paint chart SVGs on the server without carrying them in the
 * loader data (where each would travel a second time, inside the hydration script):
 * entry.server.tsx provides the cached renderer of svgCache.server.ts to the server render.
 * The browser has none: hydration keeps the server's markup (see <EChart>).
 */
import { createContext } from "react";
import type { DashboardData } from "./dashboard";
import type { ChartId } from "./registry";

export type ChartSvgs = (id: ChartId, data: DashboardData) => string;

export const ChartSvgContext = createContext<ChartSvgs | null>(null);
