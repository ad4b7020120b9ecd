import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { conversations, messages, type ConversationRow, type MessageRow } from "../db/schema.js";
import type { ToolCallRecord } from "../agent/task-tools.js";

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

  async create(): Promise<ConversationDto> {
    const [row] = await this.db.insert(conversations).values({ userId: this.userId }).returning();
    return toConversationDto(row!, null);
  }

  async messages(conversationId: number): Promise<MessageDto[]> {
    const rows = await this.db
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), eq(messages.userId, this.userId)))
      .orderBy(asc(messages.id));
    return rows.map(toMessageDto);
  }

  async append(
    conversationId: number,
    role: "user" | "assistant",
    content: string,
    toolCalls: ToolCallRecord[] | null = null,
  ): Promise<MessageDto> {
    const [row] = await this.db
      .insert(messages)
      .values({ userId: this.userId, conversationId, role, content, toolCalls })
      .returning();
    await this.db.update(conversations).set({ updatedAt: new Date() }).where(this.owned(conversationId));
    return toMessageDto(row!);
  }

  async remove(id: number): Promise<boolean> {
    const deleted = await this.db
      .delete(conversations)
      .where(this.owned(id))
      .returning({ id: conversations.id });
    return deleted.length > 0;
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

function toMessageDto(row: MessageRow): MessageDto {
  return {
    id: row.id,
    role: row.role,
    content: row.content,
    tool_calls: (row.toolCalls as ToolCallRecord[] | null) ?? null,
    created_at: iso(row.createdAt),
  };
}

// Raw SQL selections come back as strings on some drivers; Drizzle columns as Dates.
function iso(value: Date | string): string {
  return new Date(value).toISOString();
}
