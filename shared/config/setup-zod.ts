import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * Set up zod once for the `zod/mini` schemas on the cold-start path (config, webhook payloads, worker requests).
 * Classic `import { z } from 'zod'` drags all of zod into a bundle (~190 KB minified, ~30 ms to compile on every
 * cold start); mini keeps only what is called (docs/adr/0015-cold-start.md). Idempotent; call it at module top level.
 *
 * English messages, as classic registers on its first schema (mini registers none), so issue texts stay identical;
 * classic sets its default only when no locale is set, so both APIs agree whichever loads first.
 */
export function setupZod(): void {
  if (!z.config().localeError) z.config(en());
}
