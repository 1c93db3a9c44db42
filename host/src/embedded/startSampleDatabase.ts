import type { Logger } from '@causeway/sdk';

/** A running sample database: PGlite served over the Postgres wire protocol on loopback. */
export interface SampleDatabase {
  host: string;
  port: number;
  database: string;
  user: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite (Postgres compiled to WASM, in this process) behind a wire-protocol socket and fills
 * a `sales` table with deterministic sample rows. Imported lazily: only embedded mode pays for it.
 */
export async function startSampleDatabase(options: { rows?: number; port?: number; logger: Logger }): Promise<SampleDatabase> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create();
  const rows = options.rows ?? 5000;
  await db.exec(`
    create table sales (
      id int8 primary key,
      region text not null,
      product text not null,
      quantity int4 not null,
      unit_price numeric(10,2) not null,
      sold_at timestamptz not null,
      returned bool not null,
      customer uuid not null,
      note text
    );
    insert into sales
    select g,
           (array['north','south','east','west'])[1 + g % 4],
           'product-' || lpad((g % 97)::text, 3, '0'),
           1 + (g * 7) % 20,
           round((5 + (g * 37) % 500 + ((g % 100) / 100.0))::numeric, 2),
           timestamptz '2026-01-01 00:00:00+00' + (g * interval '17 minutes'),
           g % 23 = 0,
           md5(g::text)::uuid,
           case when g % 11 = 0 then null else 'order ' || g end
    from generate_series(1, ${Number(rows)}) as g;
  `);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port ?? 0, maxConnections: 16 });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  options.logger.info({ host, port: Number(port), rows }, 'sample database ready');
  return {
    host: host ?? '127.0.0.1',
    port: Number(port),
    database: 'postgres',
    user: 'postgres',
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
