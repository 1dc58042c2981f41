// Public surface of @shopwatch/orders (filled in as the service is built).
export {};
