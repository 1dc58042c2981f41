// The cart in localStorage (kept across visits and shared by the shop's tabs), over the pure
// cart logic in lib/cart.ts.
import { useSyncExternalStore } from 'react';
import { EMPTY_CART, parseCart, type Cart } from './lib/cart.ts';

const KEY = 'shopwatch.cart';
const listeners = new Set<() => void>();
let cached: { raw: string | null; cart: Cart } = { raw: null, cart: EMPTY_CART };

function read(): Cart {
  let raw: string | null;
  try {
    raw = localStorage.getItem(KEY);
  } catch {
    return cached.cart;
  }
  if (raw !== cached.raw) cached = { raw, cart: parseCart(raw) };
  return cached.cart;
}

function emit(): void {
  for (const listener of listeners) listener();
}

if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key === KEY || event.key === null) emit();
  });
}

export function getCart(): Cart {
  return read();
}

export function saveCart(cart: Cart): void {
  const raw = JSON.stringify(cart);
  try {
    localStorage.setItem(KEY, raw);
  } catch {
    // Storage full or disabled: keep the cart for this page's life.
  }
  cached = { raw, cart };
  emit();
}

export function updateCart(change: (cart: Cart) => Cart): void {
  saveCart(change(read()));
}

export function useCart(): Cart {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    read,
  );
}
