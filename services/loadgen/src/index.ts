// Public surface of @shopwatch/loadgen (filled in as the service is built).
export {};
