// Public surface of @shopwatch/analytics (filled in as the service is built).
export {};
