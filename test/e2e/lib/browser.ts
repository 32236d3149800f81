/**
 * Debian's chromium driven by playwright-core, both from outside the project's dependencies
 * (playwright-core lives in the e2e vendor folder, see setup.sh). Because the project cannot
 * import its types, the few parts of its API the suite uses are declared here.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CHROMIUM_BIN, VENDOR_DIR } from './paths';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Locator {
  first(): Locator;
  nth(index: number): Locator;
  locator(selector: string): Locator;
  filter(options: { hasText?: string | RegExp; hasNotText?: string | RegExp }): Locator;
  waitFor(options?: { state?: 'attached' | 'detached' | 'visible' | 'hidden'; timeout?: number }): Promise<void>;
  count(): Promise<number>;
  innerText(): Promise<string>;
  allInnerTexts(): Promise<string[]>;
  getAttribute(name: string): Promise<string | null>;
  boundingBox(): Promise<Box | null>;
  click(options?: { position?: { x: number; y: number }; timeout?: number }): Promise<void>;
  fill(value: string): Promise<void>;
}

export interface FrameLocator {
  frameLocator(selector: string): FrameLocator;
  locator(selector: string): Locator;
}

export interface Page {
  goto(url: string): Promise<unknown>;
  locator(selector: string): Locator;
  frameLocator(selector: string): FrameLocator;
  keyboard: { press(key: string): Promise<void>; type(text: string): Promise<void> };
  mouse: { move(x: number, y: number): Promise<void>; click(x: number, y: number): Promise<void> };
  screenshot(options: { path: string }): Promise<unknown>;
  evaluate<R, A>(fn: (arg: A) => R, arg: A): Promise<R>;
  waitForFunction<A>(fn: (arg: A) => boolean, arg: A, options?: { timeout?: number }): Promise<unknown>;
  exposeFunction(name: string, fn: (...args: any[]) => unknown): Promise<void>;
  on(event: 'console', listener: (message: { type(): string; text(): string }) => void): void;
}

interface Route {
  request(): { url(): string };
  continue(): Promise<void>;
  abort(): Promise<void>;
}

interface BrowserContext {
  pages(): Page[];
  newPage(): Promise<Page>;
  route(pattern: string, handler: (route: Route) => unknown): Promise<void>;
  close(): Promise<void>;
}

interface Chromium {
  launchPersistentContext(userDataDir: string, options: Record<string, unknown>): Promise<BrowserContext>;
}

export interface Browser {
  page: Page;
  /** Requests refused because they left loopback (the workbench asks an extension gallery). */
  blocked: string[];
  close(): Promise<void>;
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** loopback (webviews live on `*.localhost` subdomains), data: and blob: only. */
const ALLOWED_URL = /^(https?:\/\/([a-z0-9-]+\.)*(127\.0\.0\.1|localhost)(:|\/|$)|data:|blob:)/;

function loadChromium(): Chromium {
  const vendorRequire = createRequire(join(VENDOR_DIR, 'package.json'));
  return (vendorRequire('playwright-core') as { chromium: Chromium }).chromium;
}

/** A headless chromium with a fresh profile under `runDir`, every non-loopback request refused. */
export async function launchBrowser(runDir: string): Promise<Browser> {
  const profile = join(runDir, 'chromium-profile');
  mkdirSync(join(profile, 'Default'), { recursive: true });
  // Third-party storage on: webview service workers register on *.localhost subdomains.
  writeFileSync(
    join(profile, 'Default', 'Preferences'),
    JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }),
  );
  const context = await loadChromium().launchPersistentContext(profile, {
    executablePath: CHROMIUM_BIN,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: CHROMIUM_ARGS,
  });
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (ALLOWED_URL.test(url)) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { page, blocked, close: () => context.close() };
}
