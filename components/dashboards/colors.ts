/**
 * The dashboards' series colours. A plain module (not "use client"), so server components can pass them to
 * the charts: a value imported from a client module into a server component is only a reference.
 */
export const COLORS = {
  entered: "#1f9a86",
  conversions: "#d97706",
  sent: "#6366f1",
  events: "#157d6d",
  delivered: "#1f9a86",
  opened: "#6366f1",
  clicked: "#d97706",
  notDelivered: "#dc2626",
  revenue: "#0f766e",
};
