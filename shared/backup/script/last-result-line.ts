import type * as z from 'zod/mini';

/**
 * The last line of a script's output that starts with `marker`, parsed as JSON and checked by `schema` (the backup,
 * restore and drill scripts end with one such line). Undefined when there is none (killed, truncated, not our
 * script) or the last one does not parse: a cut or garbled line is "no result", which callers treat like a missing one.
 */
export function parseLastResultLine<S extends z.ZodMiniType>(output: string, marker: string, schema: S): z.output<S> | undefined {
  const lines = output.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (!line.startsWith(marker)) continue;
    try {
      const parsed = schema.safeParse(JSON.parse(line.slice(marker.length)));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
