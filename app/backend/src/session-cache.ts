import { createHash } from "node:crypto";

/**
 * How long this process trusts a session it has read from the database without reading it again. A session
 * revoked through another replica (sign-out, revoke-sessions, a password change) therefore stops working
 * here at most this long after its revocation; on this replica it stops at once (auth.ts evicts it when
 * Better Auth deletes the row). docs/security.md, "Session cache".
 */
export const SESSION_CACHE_TTL_MS = 5_000;
/** Entries kept at most (about 200 bytes each): beyond this the oldest go first. */
export const SESSION_CACHE_MAX_ENTRIES = 10_000;

/** The signed-in user as every request sees it. */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
}

/** What a lookup in the database found: the user, the session's row id and its expiry. */
export interface LoadedSession {
  user: SessionUser;
  sessionId: string;
  expiresAt: Date;
}

interface Entry {
  session: LoadedSession;
  /** Epoch ms after which the entry is not honoured: the earlier of read time + TTL and the expiry. */
  until: number;
}

export interface SessionCacheOptions {
  ttlMs?: number;
  maxEntries?: number;
  /** The clock (epoch ms); tests pass their own. */
  now?: () => number;
}

/**
 * An in-process cache of session lookups, keyed by a hash of the credentials the request carried (the
 * Authorization and Cookie headers, which are all Better Auth's getSession reads). Only found sessions are
 * kept; a request without a valid session always goes to the database.
 *
 * A plain Map in insertion order: every entry lives at most the TTL, so dropping the oldest when full is
 * as good as least-recently-used here.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  // Bumped by every eviction: a lookup that was reading the database meanwhile does not store what it read,
  // which may be the row just deleted.
  private generation = 0;

  constructor(options: SessionCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? SESSION_CACHE_TTL_MS;
    this.maxEntries = options.maxEntries ?? SESSION_CACHE_MAX_ENTRIES;
    this.now = options.now ?? (() => Date.now());
  }

  /** The session for these credentials: from the cache while it is fresh, else from `load` (then cached). */
  async resolve(
    credentials: string,
    load: () => Promise<LoadedSession | null>,
  ): Promise<LoadedSession | null> {
    const key = createHash("sha256").update(credentials).digest("base64");
    const cached = this.entries.get(key);
    if (cached) {
      if (this.now() < cached.until) return cached.session;
      this.entries.delete(key);
    }
    const generation = this.generation;
    // The entry's lifetime counts from before the read: the row may be revoked right after it.
    const readAt = this.now();
    const session = await load();
    if (!session) return null;
    const until = Math.min(readAt + this.ttlMs, session.expiresAt.getTime());
    if (generation === this.generation && this.now() < until) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { session, until });
    }
    return session;
  }

  /** Forgets the session with this row id (the row was deleted). */
  evictSession(sessionId: string): void {
    this.evictWhere((session) => session.sessionId === sessionId);
  }

  /** Forgets every session of this user (their record changed, or all their sessions were deleted). */
  evictUser(userId: string): void {
    this.evictWhere((session) => session.user.id === userId);
  }

  get size(): number {
    return this.entries.size;
  }

  private evictWhere(matches: (session: LoadedSession) => boolean): void {
    this.generation += 1;
    for (const [key, entry] of this.entries) if (matches(entry.session)) this.entries.delete(key);
  }
}
