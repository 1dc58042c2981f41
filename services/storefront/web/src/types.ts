// The shapes the storefront reads from the catalog, inventory and users APIs (see their READMEs).

export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string;
  categoryId: string;
  categorySlug: string;
  priceCents: number;
  currency: string;
  tags: string[];
  imageUrl: string | null;
}

export interface Category {
  id: string;
  slug: string;
  name: string;
  description: string;
}

export interface ProductPage {
  items: Product[];
  nextCursor: string | null;
}

export interface SearchResult {
  items: Product[];
  total: number;
  zeroResults: boolean;
}

export interface Stock {
  productId: string;
  available: number;
  low: boolean;
}

export interface User {
  id: string;
  email: string;
  displayName: string;
  role?: string;
}

export interface LoginResponse {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
  user: User;
}
