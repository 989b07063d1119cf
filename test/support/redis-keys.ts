import { Redis } from 'ioredis';

/**
 * Deletes every Redis key under `prefix:` (BullMQ queues, leases, hoppers) with a connection of
 * its own, so it also works after the App closed its client. Returns how many it deleted.
 */
export async function deleteRedisPrefix(prefix: string, url = 'redis://127.0.0.1:6379'): Promise<number> {
  if (!/^[\w.-]+$/.test(prefix)) throw new Error(`refusing to delete keys under "${prefix}"`);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    await redis.quit();
  }
}
