// The public API paths loadgen uses, all through the gateway (`/api/<service>/<path>`), in one
// place so a service that moves a route is one edit here.
export const PATHS = {
  products: '/api/catalog/products',
  product: (id: string) => `/api/catalog/products/${encodeURIComponent(id)}`,
  categories: '/api/catalog/categories',
  search: '/api/catalog/search',
  stock: (productId: string) => `/api/inventory/stock/${encodeURIComponent(productId)}`,
  signup: '/api/users/signup',
  login: '/api/users/login',
  me: '/api/users/me',
  quotes: '/api/shipping/quotes',
  orders: '/api/orders/orders',
  order: (id: string) => `/api/orders/orders/${encodeURIComponent(id)}`,
  tickets: '/api/support/tickets',
  analyticsEvents: '/api/analytics/events',
} as const;
