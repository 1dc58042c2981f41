// Clicking in the browser tests. React may replace an element between the moment it is found and
// the click (a re-render after sign-in, a route change), which puppeteer reports as "not
// clickable" or "detached": such a click is tried again with a freshly found element until the
// deadline, so the tests wait for the page rather than racing it.
import type { Page } from 'puppeteer-core';

const STALE = /not clickable|not an Element|detached|Execution context was destroyed|Node is either/i;

/** Clicks the element the selector finds once it is visible, retrying a click on a stale element. */
export async function clickWhenReady(page: Page, selector: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const remaining = Math.max(1, deadline - Date.now());
    try {
      const element = await page.waitForSelector(selector, { visible: true, timeout: remaining });
      if (!element) throw new Error(`no element for ${selector}`);
      await element.click();
      return;
    } catch (error) {
      if (!(error instanceof Error) || !STALE.test(error.message) || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** The link whose whole text is `text`. */
export const linkNamed = (text: string) => `::-p-xpath(//a[normalize-space(.)=${JSON.stringify(text)}])`;
/** The button whose whole text is `text`. */
export const buttonNamed = (text: string) => `::-p-xpath(//button[normalize-space(.)=${JSON.stringify(text)}])`;
