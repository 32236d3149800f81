// The database pool, created when this module is first imported.
import { Pool } from 'pg';

export const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: 10,
});

export async function orderIds(customer: string): Promise<string[]> {
  const result = await pool.query('SELECT id FROM orders WHERE customer = $1', [customer]);
  return result.rows.map((row: { id: string }) => row.id);
}
