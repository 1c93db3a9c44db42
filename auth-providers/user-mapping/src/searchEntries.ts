import type { DirectorySession } from './openDirectorySession.js';

/** A matching entry: its DN and the values of the requested attribute (none when it lacks it). */
export interface DirectoryEntry {
  dn: string;
  values: string[];
}

/** What a paged search returned. */
export interface EntriesResult {
  entries: DirectoryEntry[];
  /** True when more entries matched than `maxEntries` and the rest were not read. */
  truncated: boolean;
}

function valuesOf(entry: Record<string, unknown>, attribute: string): string[] {
  const wanted = attribute.toLowerCase();
  const key = Object.keys(entry).find((k) => k !== 'dn' && k.toLowerCase() === wanted);
  const raw = key === undefined ? [] : entry[key];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
}

/**
 * Runs a paged search (RFC 2696) for `filter`, asking only for `attribute`, and reads pages until the
 * end or until more than `maxEntries` entries came (enough to know the answer is ambiguous). Paging
 * keeps a server's size limit from turning a large answer into an error.
 */
export async function searchEntries(
  session: DirectorySession,
  query: { baseDn: string; scope: 'base' | 'one' | 'sub'; filter: string; attribute: string; pageSize: number; maxEntries: number },
): Promise<EntriesResult> {
  return session.run('search', async (client) => {
    const entries: DirectoryEntry[] = [];
    let truncated = false;
    const pages = client.searchPaginated(query.baseDn, {
      scope: query.scope,
      filter: query.filter,
      attributes: [query.attribute],
      paged: { pageSize: query.pageSize },
    });
    for await (const page of pages) {
      for (const entry of page.searchEntries) entries.push({ dn: entry.dn, values: valuesOf(entry, query.attribute) });
      if (entries.length > query.maxEntries) {
        truncated = true;
        break;
      }
    }
    return { entries: entries.slice(0, query.maxEntries), truncated };
  });
}
