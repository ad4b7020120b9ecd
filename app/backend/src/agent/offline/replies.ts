/**
 * Everything the offline agent says, in the language the user wrote (English, Urdu script, Roman Urdu,
 * Spanish). Replies are short, name tasks by number and title, and never show tool names or error texts. A
 * task's state has the task list's words (app/frontend/lib/taskWords.ts): Completed, Pending, Reopened.
 */
import type { PlannedCall, Proposal } from "../conversation-state.js";
import type { Language } from "./text.js";

export interface ShownTask {
  id: number;
  title: string;
  completed: boolean;
}

/** What a question about several tasks asks to do. */
export type Action = "delete" | "complete" | "reopen" | "change" | "undo";

type Texts = {
  added: (task: ShownTask) => string;
  completed: (task: ShownTask) => string;
  alreadyDone: (task: ShownTask) => string;
  deleted: (task: ShownTask) => string;
  /** A deleted task put back under its number (an undo of a delete). */
  restored: (task: ShownTask) => string;
  reopened: (task: ShownTask) => string;
  alreadyOpen: (task: ShownTask) => string;
  updated: (task: ShownTask) => string;
  undone: string;
  nothingToUndo: string;
  listed: (count: number, status: "all" | "pending" | "completed") => string;
  empty: (status: "all" | "pending" | "completed") => string;
  done: string;
  notFound: (id: number) => string;
  noMatch: (words: string) => string;
  ambiguous: (words: string) => string;
  askTitle: string;
  askNewTitle: (task: ShownTask) => string;
  askWhich: string;
  confirm: (action: Action, count: number) => string;
  askUndo: string;
  /** Asked before adding tasks the message did not clearly separate; the titles follow, one a line. */
  confirmAdd: (count: number) => string;
  /** Asked before an edit the assistant is not sure of: the task, the field and the new value. */
  confirmEdit: (task: ShownTask, field: "title" | "description", value: string) => string;
  answerDone: (task: ShownTask) => string;
  answerOpen: (task: ShownTask) => string;
  stillAsking: string;
  tooMany: (limit: number) => string;
  cancelled: string;
  titleTooLong: string;
  descriptionTooLong: string;
  thanks: string;
  greet: string;
  help: string;
  unknown: string;
  failed: string;
  /** The offline agent itself failed on the message: nothing was changed. */
  stuck: string;
};

const line = (task: ShownTask) => `${task.id}: ${task.title}`;

const TEXTS: Record<Language, Texts> = {
  en: {
    added: (t) => `Added task ${t.id}: "${t.title}".`,
    completed: (t) => `Completed task ${t.id} "${t.title}".`,
    alreadyDone: (t) => `Task ${t.id} "${t.title}" is already completed.`,
    deleted: (t) => `Deleted task ${t.id} "${t.title}".`,
    restored: (t) => `Restored task ${t.id} "${t.title}".`,
    reopened: (t) => `Reopened task ${t.id} "${t.title}": it is pending again.`,
    alreadyOpen: (t) => `Task ${t.id} "${t.title}" is already pending.`,
    updated: (t) => `Updated task ${t.id}: "${t.title}".`,
    undone: "Undone:",
    nothingToUndo: "There's nothing to undo in this conversation yet.",
    listed: (n, s) =>
      `You have ${n} ${s === "pending" ? "pending " : s === "completed" ? "completed " : ""}task${n === 1 ? "" : "s"}:`,
    empty: (s) =>
      s === "completed"
        ? "You haven't completed any tasks yet."
        : s === "pending"
          ? "Nothing pending: you're all caught up!"
          : 'You have no tasks yet. Try "Add a task to buy groceries".',
    done: "Done.",
    notFound: (id) => `I can't find task ${id}. Say "show my tasks" to see your task numbers.`,
    noMatch: (w) => `I couldn't find a task about "${w}". Say "show my tasks" to see them.`,
    ambiguous: (w) => `More than one task matches "${w}". Which one? Say its number.`,
    askTitle: "Sure, what's the task?",
    askNewTitle: (t) => `What should task ${t.id} "${t.title}" say instead?`,
    askWhich: "Which task? Say its number or a few words of its title.",
    confirm: (a, n) => {
      const what = n === 1 ? "this task" : `these ${n} tasks`;
      const ask = {
        delete: `Delete ${what}`,
        complete: `Complete ${what}`,
        reopen: `Reopen ${what}`,
        change: `Change ${what}`,
        undo: `Undo the change to ${what}`,
      }[a];
      return `${ask}? Say "yes" or "no".`;
    },
    askUndo: 'Should I undo my last change? Say "yes" to undo it or "no" to keep it.',
    confirmAdd: (n) => `Add ${n === 1 ? "this task" : `these ${n} tasks`}? Say "yes" or "no".`,
    confirmEdit: (t, field, value) =>
      `Change task ${t.id} "${t.title}"'s ${field === "title" ? "title" : "notes"} to "${value}"? Say "yes" or "no".`,
    answerDone: (t) => `Yes, task ${t.id} "${t.title}" is completed.`,
    answerOpen: (t) => `No, task ${t.id} "${t.title}" is still pending.`,
    stillAsking: "I'm still waiting for a yes or no:",
    cancelled: "OK, I left your tasks as they are.",
    tooMany: (n) => `That's more than ${n} tasks at once — could you narrow it down?`,
    titleTooLong: "Task titles can be at most 200 characters — shorter?",
    descriptionTooLong: "Descriptions can be at most 2000 characters — shorter?",
    thanks: "You're welcome!",
    greet: 'Hi! Tell me what to do, e.g. "Add a task to buy groceries" or "What\'s pending?".',
    help: 'I manage your tasks. Try "add buy milk", "what\'s pending?" or "mark task 3 done".',
    unknown: "Sorry, I didn't understand that.",
    failed: "Sorry, that didn't work. Please try again in a moment.",
    stuck: "Sorry, I got stuck on that one and changed nothing. Could you say it another way?",
  },
  "roman-ur": {
    added: (t) => `Task ${t.id} add ho gaya: "${t.title}".`,
    completed: (t) => `Task ${t.id} "${t.title}" mukammal ho gaya. Shabash!`,
    alreadyDone: (t) => `Task ${t.id} "${t.title}" pehle se mukammal hai.`,
    deleted: (t) => `Task ${t.id} "${t.title}" hata diya.`,
    restored: (t) => `Task ${t.id} "${t.title}" wapas aa gaya.`,
    reopened: (t) => `Task ${t.id} "${t.title}" dobara khul gaya.`,
    alreadyOpen: (t) => `Task ${t.id} "${t.title}" pehle se baqi hai.`,
    updated: (t) => `Task ${t.id} badal diya: "${t.title}".`,
    undone: "Wapas kar diya:",
    nothingToUndo: "Is guftagu mein wapas karne ko kuch nahi hai.",
    listed: (n, s) => `Aap ke ${n} ${s === "pending" ? "baqi " : s === "completed" ? "mukammal " : ""}kaam:`,
    empty: (s) =>
      s === "completed"
        ? "Abhi tak koi kaam mukammal nahi hua."
        : s === "pending"
          ? "Koi kaam baqi nahi!"
          : "Aap ka koi kaam nahi hai.",
    done: "Ho gaya.",
    notFound: (id) => `Task ${id} nahi mila. "mere tasks dikhao" likhein.`,
    noMatch: (w) => `"${w}" wala koi task nahi mila.`,
    ambiguous: (w) => `"${w}" se kai tasks milte hain. Kaun sa? Number batayein.`,
    askTitle: "Zaroor, task kya hai?",
    askNewTitle: (t) => `Task ${t.id} "${t.title}" ka naya naam kya ho?`,
    askWhich: "Kaun sa task? Number ya naam batayein.",
    confirm: (a, n) =>
      `Ye ${n} task${n === 1 ? "" : "s"} ${{ delete: "hata doon", complete: "mukammal kar doon", reopen: "dobara khol doon", change: "badal doon", undo: "wapas kar doon" }[a]}? "haan" ya "nahi" likhein.`,
    askUndo: 'Kya main apni pichli tabdeeli wapas kar doon? "haan" ya "nahi" likhein.',
    confirmAdd: (n) => `Ye ${n} task${n === 1 ? "" : "s"} add kar doon? "haan" ya "nahi" likhein.`,
    confirmEdit: (t, field, value) =>
      `Task ${t.id} "${t.title}" ka ${field === "title" ? "naam" : "note"} "${value}" kar doon? "haan" ya "nahi" likhein.`,
    answerDone: (t) => `Haan, task ${t.id} "${t.title}" mukammal hai.`,
    answerOpen: (t) => `Nahi, task ${t.id} "${t.title}" abhi baqi hai.`,
    stillAsking: 'Pehle "haan" ya "nahi" batayein:',
    cancelled: "Theek hai, kuch nahi badla.",
    tooMany: (n) => `Ek saath ${n} se zyada tasks — thora kam karein?`,
    titleTooLong: "Task ka naam zyada se zyada 200 huroof ka ho sakta hai — chhota karein?",
    descriptionTooLong: "Tafseel zyada se zyada 2000 huroof ki ho sakti hai — chhoti karein?",
    thanks: "Koi baat nahi!",
    greet: 'Salam! Batayein kya karna hai, jaise "task add karo: doodh lena".',
    help: 'Main aap ke tasks sambhalta hoon. Jaise: "doodh lena add karo", "kya baqi hai?", "task 3 mukammal karo".',
    unknown: "Maaf kijiye, samajh nahi aaya.",
    failed: "Maaf kijiye, ye nahi ho saka. Thori dair mein dobara koshish karein.",
    stuck: "Maaf kijiye, main ye samajh nahi saka aur kuch nahi badla. Kisi aur tarah likh dein?",
  },
  ur: {
    added: (t) => `کام ${t.id} شامل ہو گیا: "${t.title}"۔`,
    completed: (t) => `کام ${t.id} "${t.title}" مکمل ہو گیا۔ شاباش!`,
    alreadyDone: (t) => `کام ${t.id} "${t.title}" پہلے سے مکمل ہے۔`,
    deleted: (t) => `کام ${t.id} "${t.title}" حذف کر دیا۔`,
    restored: (t) => `کام ${t.id} "${t.title}" واپس آ گیا۔`,
    reopened: (t) => `کام ${t.id} "${t.title}" دوبارہ کھل گیا۔`,
    alreadyOpen: (t) => `کام ${t.id} "${t.title}" پہلے سے باقی ہے۔`,
    updated: (t) => `کام ${t.id} بدل دیا: "${t.title}"۔`,
    undone: "واپس کر دیا:",
    nothingToUndo: "اس گفتگو میں واپس کرنے کو کچھ نہیں۔",
    listed: (n, s) => `آپ کے ${n} ${s === "pending" ? "باقی " : s === "completed" ? "مکمل " : ""}کام:`,
    empty: (s) =>
      s === "completed"
        ? "ابھی کوئی کام مکمل نہیں ہوا۔"
        : s === "pending"
          ? "کوئی کام باقی نہیں!"
          : "آپ کا کوئی کام نہیں۔",
    done: "ہو گیا۔",
    notFound: (id) => `کام ${id} نہیں ملا۔ "میرے کام دکھاؤ" لکھیں۔`,
    noMatch: (w) => `"${w}" والا کوئی کام نہیں ملا۔`,
    ambiguous: (w) => `"${w}" سے کئی کام ملتے ہیں۔ کون سا؟ نمبر بتائیں۔`,
    askTitle: "ضرور، کام کیا ہے؟",
    askNewTitle: (t) => `کام ${t.id} "${t.title}" کا نیا نام کیا ہو؟`,
    askWhich: "کون سا کام؟ نمبر یا نام بتائیں۔",
    confirm: (a, n) =>
      `یہ ${n} کام ${{ delete: "حذف کر دوں", complete: "مکمل کر دوں", reopen: "دوبارہ کھول دوں", change: "بدل دوں", undo: "واپس کر دوں" }[a]}؟ "ہاں" یا "نہیں" لکھیں۔`,
    askUndo: 'کیا میں اپنی پچھلی تبدیلی واپس کر دوں؟ "ہاں" یا "نہیں" لکھیں۔',
    confirmAdd: (n) => `یہ ${n} کام شامل کر دوں؟ "ہاں" یا "نہیں" لکھیں۔`,
    confirmEdit: (t, field, value) =>
      `کام ${t.id} "${t.title}" کا ${field === "title" ? "نام" : "نوٹ"} "${value}" کر دوں؟ "ہاں" یا "نہیں" لکھیں۔`,
    answerDone: (t) => `جی ہاں، کام ${t.id} "${t.title}" مکمل ہے۔`,
    answerOpen: (t) => `نہیں، کام ${t.id} "${t.title}" ابھی باقی ہے۔`,
    stillAsking: 'پہلے "ہاں" یا "نہیں" بتائیں:',
    cancelled: "ٹھیک ہے، کچھ نہیں بدلا۔",
    tooMany: (n) => `ایک ساتھ ${n} سے زیادہ کام — تھوڑا کم کریں؟`,
    titleTooLong: "کام کا نام زیادہ سے زیادہ 200 حروف کا ہو سکتا ہے — چھوٹا کریں؟",
    descriptionTooLong: "تفصیل زیادہ سے زیادہ 2000 حروف کی ہو سکتی ہے — چھوٹی کریں؟",
    thanks: "کوئی بات نہیں!",
    greet: 'السلام علیکم! بتائیں کیا کرنا ہے، جیسے "نیا کام شامل کرو: دودھ خریدنا"۔',
    help: 'میں آپ کے کام سنبھالتا ہوں۔ جیسے: "دودھ خریدنا شامل کرو"، "کون سے کام باقی ہیں؟"، "کام 3 مکمل کرو"۔',
    unknown: "معاف کیجیے، سمجھ نہیں آیا۔",
    failed: "معاف کیجیے، یہ نہیں ہو سکا۔ تھوڑی دیر میں دوبارہ کوشش کریں۔",
    stuck: "معاف کیجیے، میں یہ نہیں سمجھ سکا اور کچھ نہیں بدلا۔ کسی اور طرح لکھ دیں؟",
  },
  es: {
    added: (t) => `Añadí la tarea ${t.id}: "${t.title}".`,
    completed: (t) => `Marqué la tarea ${t.id} "${t.title}" como hecha. ¡Bien hecho!`,
    alreadyDone: (t) => `La tarea ${t.id} "${t.title}" ya está hecha.`,
    deleted: (t) => `Borré la tarea ${t.id} "${t.title}".`,
    restored: (t) => `Recuperé la tarea ${t.id} "${t.title}".`,
    reopened: (t) => `La tarea ${t.id} "${t.title}" vuelve a estar pendiente.`,
    alreadyOpen: (t) => `La tarea ${t.id} "${t.title}" ya está pendiente.`,
    updated: (t) => `Actualicé la tarea ${t.id}: "${t.title}".`,
    undone: "Deshecho:",
    nothingToUndo: "No hay nada que deshacer en esta conversación.",
    listed: (n, s) =>
      `Tienes ${n} tarea${n === 1 ? "" : "s"}${s === "pending" ? " pendiente" + (n === 1 ? "" : "s") : s === "completed" ? " hecha" + (n === 1 ? "" : "s") : ""}:`,
    empty: (s) =>
      s === "completed"
        ? "Todavía no has completado tareas."
        : s === "pending"
          ? "¡No tienes nada pendiente!"
          : "Aún no tienes tareas.",
    done: "Hecho.",
    notFound: (id) => `No encuentro la tarea ${id}. Di "muéstrame mis tareas" para ver los números.`,
    noMatch: (w) => `No encontré ninguna tarea sobre "${w}".`,
    ambiguous: (w) => `Varias tareas coinciden con "${w}". ¿Cuál? Dime su número.`,
    askTitle: "Claro, ¿cuál es la tarea?",
    askNewTitle: (t) => `¿Qué debe decir la tarea ${t.id} "${t.title}"?`,
    askWhich: "¿Qué tarea? Dime su número o parte del título.",
    confirm: (a, n) =>
      `¿${{ delete: "Borro", complete: "Marco como hechas", reopen: "Reabro", change: "Cambio", undo: "Deshago el cambio de" }[a]} ${n === 1 ? "esta tarea" : `estas ${n} tareas`}? Di "sí" o "no".`,
    askUndo: '¿Deshago mi último cambio? Di "sí" para deshacerlo o "no" para dejarlo.',
    confirmAdd: (n) => `¿Añado ${n === 1 ? "esta tarea" : `estas ${n} tareas`}? Di "sí" o "no".`,
    confirmEdit: (t, field, value) =>
      `¿Cambio ${field === "title" ? "el título" : "las notas"} de la tarea ${t.id} "${t.title}" a "${value}"? Di "sí" o "no".`,
    answerDone: (t) => `Sí, la tarea ${t.id} "${t.title}" está hecha.`,
    answerOpen: (t) => `No, la tarea ${t.id} "${t.title}" sigue pendiente.`,
    stillAsking: 'Antes dime "sí" o "no":',
    cancelled: "De acuerdo, no cambié nada.",
    tooMany: (n) => `Son más de ${n} tareas a la vez — ¿puedes acotarlo?`,
    titleTooLong: "Los títulos pueden tener como máximo 200 caracteres — ¿uno más corto?",
    descriptionTooLong: "Las descripciones pueden tener como máximo 2000 caracteres — ¿una más corta?",
    thanks: "¡De nada!",
    greet: '¡Hola! Dime qué hacer, por ejemplo "añade una tarea: comprar pan".',
    help: 'Gestiono tus tareas. Prueba: "añade comprar pan", "¿qué tengo pendiente?" o "marca la tarea 3 como hecha".',
    unknown: "Perdona, no te entendí.",
    failed: "Perdona, no funcionó. Inténtalo de nuevo en un momento.",
    stuck: "Perdona, me atasqué con eso y no cambié nada. ¿Puedes decirlo de otra forma?",
  },
};

export function texts(language: Language): Texts {
  return TEXTS[language];
}

/** Tasks as lines of a reply, lowest number first ("the second one" means the second line). */
export function taskLines(tasks: ShownTask[], markDone: boolean): string {
  return tasks.map((task) => `- ${line(task)}${markDone && task.completed ? " ✓" : ""}`).join("\n");
}

/** A tool call of a turn with its result (the tool's JSON) or its error text. */
export interface CallOutcome {
  tool: string;
  input: Record<string, unknown>;
  ok: boolean;
  value: unknown;
}

/** One line a change: what happened to which task, in the user's words. Errors never show their text. */
export function report(outcomes: CallOutcome[], language: Language): string {
  const say = texts(language);
  const lines = outcomes.map((outcome) => {
    if (!outcome.ok) {
      const id = Number(outcome.input.task_id);
      return /not found/i.test(String(outcome.value)) && id ? say.notFound(id) : say.failed;
    }
    const result = outcome.value as { task_id: number; title: string; status: string };
    const task: ShownTask = { id: result.task_id, title: result.title, completed: false };
    if (outcome.tool === "add_task") {
      return outcome.input.task_id === undefined ? say.added(task) : say.restored(task);
    }
    if (outcome.tool === "delete_task") return say.deleted(task);
    if (outcome.tool === "complete_task") return say.completed(task);
    const only = (field: string) =>
      Object.keys(outcome.input).every((key) => key === "task_id" || key === field);
    if (outcome.input.completed === false && only("completed")) return say.reopened(task);
    if (outcome.input.completed === true && only("completed")) return say.completed(task);
    return say.updated(task);
  });
  return lines.join("\n") || say.done;
}

/** The question of a proposal: what it does, to which tasks, and how to answer. */
export function describeProposal(proposal: Proposal, language: Language): string {
  const say = texts(language);
  if (proposal.kind === "undo") {
    return `${say.askUndo}\n${taskLines(
      proposal.tasks.map((task) => ({ ...task, completed: false })),
      false,
    )}`;
  }
  if (proposal.calls.length > 0 && proposal.calls.every((call) => call.tool === "add_task")) {
    const titles = proposal.calls.map((call) => `- ${String(call.input.title)}`);
    return `${say.confirmAdd(titles.length)}\n${titles.join("\n")}`;
  }
  const [only] = proposal.calls;
  const edited = only?.tool === "update_task" && ("title" in only.input || "description" in only.input);
  if (proposal.calls.length === 1 && edited && proposal.tasks.length === 1) {
    const field = "title" in only.input ? "title" : "description";
    return say.confirmEdit({ ...proposal.tasks[0]!, completed: false }, field, String(only.input[field]));
  }
  return `${say.confirm(actionOf(proposal.calls), proposal.tasks.length)}\n${taskLines(
    proposal.tasks.map((task) => ({ ...task, completed: false })),
    false,
  )}`;
}

function actionOf(calls: PlannedCall[]): Action {
  const kinds = new Set(
    calls.map((call) =>
      call.tool === "delete_task"
        ? "delete"
        : call.tool === "complete_task" || (call.input.completed === true && !("title" in call.input))
          ? "complete"
          : call.input.completed === false && !("title" in call.input) && !("description" in call.input)
            ? "reopen"
            : "change",
    ),
  );
  return kinds.size === 1 ? ([...kinds][0] as Action) : "change";
}
