// Public surface of @shopwatch/notifications (filled in as the service is built).
export {};
