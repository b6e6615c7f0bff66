/** The public surface of src/dashboard: `nas dashboard`'s server and `nas report`'s file. */
export { startDashboard, type DashboardOptions, type DashboardServer } from './server.js';
export { writeReport, type ReportOptions } from './report.js';
