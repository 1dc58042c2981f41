export { dashboardUid, UID_MAX_LENGTH } from './uid.ts';
