import { and, asc, desc, eq, lt, sql, type SQL } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { conversations, messages, type ConversationRow, type MessageRow } from "../db/schema.js";
import type { ToolCallRecord } from "./tool-calls.js";

export interface ConversationDto {
  id: number;
  title: string;
  created_at: string;
  updated_at: string;
}

export interface MessageDto {
  id: number;
  role: "user" | "assistant";
  content: string;
  tool_calls: ToolCallRecord[] | null;
  created_at: string;
}

/** A message as a chat turn reads it: with the conversation state stored beside the reply. */
export interface HistoryMessage extends MessageDto {
  state: unknown;
}

const TITLE_LENGTH = 60;
const UNTITLED = "New conversation";

/**
 * The title is the conversation's first user message, cut to a length that fits a sidebar. A correlated
 * subquery built by the query builder: Drizzle prints the columns of a single-table select without their
 * table (drizzle-orm pg-core/dialect.js, buildSelection `isSingleTable`), so a hand-written `sql` selection
 * rendered `"conversation_id" = "id"` — the message's own id — and titled every conversation with the
 * first message on the server. The builder's WHERE keeps `"messages"."conversation_id" = "conversations"."id"`.
 */
function firstUserMessage(db: Database) {
  const first = db
    .select({ content: messages.content })
    .from(messages)
    .where(and(eq(messages.conversationId, conversations.id), eq(messages.role, "user")))
    .orderBy(asc(messages.id))
    .limit(1);
  return sql<string | null>`(${first})`;
}

/** Conversations and messages of one user; ids of other users' conversations behave as unknown. */
export class ConversationStore {
  constructor(
    private readonly db: Database,
    readonly userId: string,
  ) {}

  async list(): Promise<ConversationDto[]> {
    const rows = await this.db
      .select({ conversation: conversations, first: firstUserMessage(this.db) })
      .from(conversations)
      .where(eq(conversations.userId, this.userId))
      .orderBy(desc(conversations.updatedAt), desc(conversations.id));
    return rows.map((row) => toConversationDto(row.conversation, row.first));
  }

  async get(id: number): Promise<ConversationDto | null> {
    const [row] = await this.db
      .select({ conversation: conversations, first: firstUserMessage(this.db) })
      .from(conversations)
      .where(this.owned(id));
    return row ? toConversationDto(row.conversation, row.first) : null;
  }

  /**
   * A page of the conversation's messages, oldest first: the `limit` newest ones before message `before`
   * (the newest when absent), and whether older ones exist. A long conversation is read in bounded pages.
   */
  async messages(
    conversationId: number,
    page: { limit: number; before?: number | undefined },
  ): Promise<{ messages: MessageDto[]; hasMore: boolean }> {
    const rows = await this.db
      .select({
        id: messages.id,
        role: messages.role,
        content: messages.content,
        toolCalls: messages.toolCalls,
        createdAt: messages.createdAt,
      })
      .from(messages)
      .where(
        and(
          eq(messages.conversationId, conversationId),
          eq(messages.userId, this.userId),
          page.before === undefined ? undefined : lt(messages.id, page.before),
        ),
      )
      .orderBy(desc(messages.id))
      .limit(page.limit + 1);
    const hasMore = rows.length > page.limit;
    return { messages: rows.slice(0, page.limit).reverse().map(toMessageDto), hasMore };
  }

  /*
   * A chat turn is stored in two steps around the agent run (which may call the model for many seconds, so
   * it holds no transaction): beginTurn stores the user's message, finishTurn the reply. Each step is one
   * statement that locks the conversation row (its UPDATE) and counts the turn in (begin) or out (finish) of
   * `turns_running`; remove() refuses a conversation with a turn running, however many run at once. So a turn
   * either fails with 404 before anything happens, or runs its tools and is stored whole.
   *
   * One statement each (data-modifying CTEs: all parts see the same snapshot, so the history read does not
   * see the message stored beside it, https://www.postgresql.org/docs/current/queries-with.html#QUERIES-WITH-MODIFYING)
   * keeps a chat turn at few round trips: begin, the tool calls, finish.
   */

  /**
   * Opens a turn: the conversation (a new one when `conversationId` is undefined) with its last
   * `historyLimit` messages, then the user's message stored. Null when the conversation is not the user's.
   */
  async beginTurn(
    conversationId: number | undefined,
    message: string,
    historyLimit: number,
  ): Promise<{ conversationId: number; history: HistoryMessage[] } | null> {
    if (conversationId === undefined) {
      const { rows } = await this.run<{ conversation_id: number }>(sql`
        WITH c AS (
          INSERT INTO ${conversations} (user_id, turns_running, turn_started_at)
          VALUES (${this.userId}, 1, now()) RETURNING id
        )
        INSERT INTO ${messages} (user_id, conversation_id, role, content)
        SELECT ${this.userId}, c.id, 'user'::message_role, ${message} FROM c
        RETURNING conversation_id`);
      return { conversationId: rows[0]!.conversation_id, history: [] };
    }
    const { rows } = await this.run<RawMessage & { conversation_id: number; state: unknown }>(sql`
      WITH c AS (
        UPDATE ${conversations}
        SET updated_at = now(), turns_running = turns_running + 1, turn_started_at = now()
        WHERE id = ${conversationId} AND user_id = ${this.userId} RETURNING id
      ), stored AS (
        INSERT INTO ${messages} (user_id, conversation_id, role, content)
        SELECT ${this.userId}, c.id, 'user'::message_role, ${message} FROM c RETURNING id
      )
      SELECT c.id AS conversation_id, h.id, h.role, h.content, h.tool_calls, h.state, h.created_at
      FROM c LEFT JOIN LATERAL (
        SELECT id, role, content, tool_calls, state, created_at FROM ${messages}
        WHERE conversation_id = c.id ORDER BY id DESC LIMIT ${historyLimit}
      ) h ON true
      ORDER BY h.id`);
    if (rows.length === 0) return null;
    const history = rows
      .filter((row) => row.id !== null)
      .map((row) => ({ ...fromRaw(row), state: row.state }));
    return { conversationId: rows[0]!.conversation_id, history };
  }

  /**
   * Stores the reply of a turn with the conversation's state, and ends the turn; false when the conversation
   * is gone (deleted past the turn's lease).
   */
  async finishTurn(
    conversationId: number,
    reply: string,
    toolCalls: ToolCallRecord[],
    state: unknown,
  ): Promise<boolean> {
    const { rows } = await this.run<{ id: number }>(sql`
      WITH c AS (
        UPDATE ${conversations}
        SET updated_at = now(), turns_running = greatest(turns_running - 1, 0)
        WHERE id = ${conversationId} AND user_id = ${this.userId} RETURNING id
      )
      INSERT INTO ${messages} (user_id, conversation_id, role, content, tool_calls, state)
      SELECT ${this.userId}, c.id, 'assistant'::message_role, ${reply}, ${JSON.stringify(toolCalls)}::jsonb,
        ${JSON.stringify(state)}::jsonb FROM c
      RETURNING id`);
    return rows.length > 0;
  }

  /** Ends a turn that stored no reply (it failed), so the conversation is not held busy. */
  async abandonTurn(conversationId: number): Promise<void> {
    await this.db
      .update(conversations)
      .set({ turnsRunning: sql`greatest(${conversations.turnsRunning} - 1, 0)` })
      .where(this.owned(conversationId));
  }

  /** A raw statement; both drivers (node-postgres, PGlite) answer `{rows}` with Dates and parsed JSON. */
  private async run<Row>(query: SQL): Promise<{ rows: Row[] }> {
    return (await this.db.execute(query)) as unknown as { rows: Row[] };
  }

  /**
   * Deletes a conversation unless a turn is running in it (begun and not finished, within `turnLeaseMs`: a turn
   * whose process died holds it no longer); then `busyForMs` says how long at most. The row lock orders this
   * against beginTurn and finishTurn, so a delete never lands between two turns' steps.
   */
  async remove(id: number, turnLeaseMs: number): Promise<"deleted" | "missing" | { busyForMs: number }> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .select({
          running: conversations.turnsRunning,
          ageMs: sql<
            number | null
          >`(extract(epoch from now() - ${conversations.turnStartedAt}) * 1000)::float8`,
        })
        .from(conversations)
        .where(this.owned(id))
        .for("update");
      if (!row) return "missing";
      const ageMs = row.ageMs === null ? Infinity : Number(row.ageMs);
      if (row.running > 0 && ageMs < turnLeaseMs) return { busyForMs: turnLeaseMs - ageMs };
      await tx.delete(conversations).where(this.owned(id));
      return "deleted";
    });
  }

  private owned(id: number) {
    return and(eq(conversations.id, id), eq(conversations.userId, this.userId));
  }
}

function toConversationDto(row: ConversationRow, first: string | null): ConversationDto {
  const title = first
    ? first.length > TITLE_LENGTH
      ? `${first.slice(0, TITLE_LENGTH - 1)}…`
      : first
    : UNTITLED;
  return { id: row.id, title, created_at: iso(row.createdAt), updated_at: iso(row.updatedAt) };
}

function toMessageDto(
  row: Pick<MessageRow, "id" | "role" | "content" | "toolCalls" | "createdAt">,
): MessageDto {
  return {
    id: row.id,
    role: row.role,
    content: row.content,
    tool_calls: (row.toolCalls as ToolCallRecord[] | null) ?? null,
    created_at: iso(row.createdAt),
  };
}

interface RawMessage {
  id: number;
  role: "user" | "assistant";
  content: string;
  tool_calls: ToolCallRecord[] | null;
  created_at: Date | string;
}

function fromRaw(row: RawMessage): MessageDto {
  return {
    id: row.id,
    role: row.role,
    content: row.content,
    tool_calls: row.tool_calls ?? null,
    created_at: iso(row.created_at),
  };
}

// Raw SQL selections come back as strings on some drivers; Drizzle columns as Dates.
function iso(value: Date | string): string {
  return new Date(value).toISOString();
}
