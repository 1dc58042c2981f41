// Public surface of @shopwatch/storefront (filled in as the service is built).
export {};
