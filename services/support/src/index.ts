// Public surface of @shopwatch/support (filled in as the service is built).
export {};
