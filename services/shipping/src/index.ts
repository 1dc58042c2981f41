// Public surface of @shopwatch/shipping (filled in as the service is built).
export {};
