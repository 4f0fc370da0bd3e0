/**
 * WhatsApp's 24-hour customer-service window (Meta's rule, issue 23): a business may send
 * free-form text to a customer only within 24 hours of the customer's last message to it; outside
 * the window only an approved template may open the conversation. Templates are allowed inside
 * the window too, so a step that has both sends its text when it may and its template otherwise.
 *
 * Pure: the last inbound time comes from the profile (`whatsapp.lastInboundAt`, recorded by
 * process-events from the WhatsApp Business Account's inbound messages), `now` from the clock.
 */

/** The window's length: 24 hours after the customer's last message, exclusive. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** An approved WhatsApp template with its body parameters rendered for one customer. */
export interface WhatsAppTemplateMessage {
  /** The template's name as approved by Meta. */
  name: string;
  /** Its language code, e.g. `tr` or `en_US`. */
  language: string;
  /** Body parameters `{{1}}`, `{{2}}`, … in order; one line each, without newlines or tabs. */
  parameters: string[];
}

/** What a WhatsApp step's template folder rendered: free-form text, an approved template, or both. */
export interface WhatsAppForms {
  text?: string;
  template?: WhatsAppTemplateMessage;
}

/** The one message that goes out. */
export type WhatsAppChoice = { kind: 'text'; body: string } | ({ kind: 'template' } & WhatsAppTemplateMessage);

export type WindowDecision = { ok: true; message: WhatsAppChoice } | { ok: false; detail: string };

/** True while free-form messages may go: the customer wrote within the last 24 hours (and not in the future). */
export function insideServiceWindow(lastInboundAt: string | undefined, now: Date): boolean {
  if (lastInboundAt === undefined) return false;
  const last = Date.parse(lastInboundAt);
  if (Number.isNaN(last)) return false;
  const since = now.getTime() - last;
  return since >= 0 && since < SERVICE_WINDOW_MS;
}

/** Text inside the window when there is text; else the approved template; else nothing may go. */
export function chooseWhatsAppMessage(
  forms: WhatsAppForms,
  lastInboundAt: string | undefined,
  now: Date,
): WindowDecision {
  if (forms.text !== undefined && insideServiceWindow(lastInboundAt, now))
    return { ok: true, message: { kind: 'text', body: forms.text } };
  if (forms.template) return { ok: true, message: { kind: 'template', ...forms.template } };
  return {
    ok: false,
    detail: 'outside the 24-hour customer-service window, and the template has no approved whatsapp.template.liquid',
  };
}

/**
 * A template parameter as Meta accepts it: no newlines or tabs, and no more than four spaces in a
 * row (Meta refuses the message otherwise); trimmed.
 */
export function whatsAppParameter(text: string): string {
  return text
    .replace(/[\r\n\t\u2028\u2029]+/g, ' ')
    .replace(/ {4,}/g, '   ')
    .trim();
}

/** A preview of both forms, as `sadakat preview` and the console show them. */
export function describeWhatsApp(forms: WhatsAppForms): string {
  const parts: string[] = [];
  if (forms.text !== undefined) parts.push(`--- text (inside the 24-hour window) ---\n${forms.text}`);
  if (forms.template) {
    const { name, language, parameters } = forms.template;
    const lines = parameters.map((parameter, index) => `{{${index + 1}}} = ${parameter}`);
    parts.push(`--- template ${name} (${language}), outside the window ---\n${lines.join('\n')}`);
  }
  return parts.join('\n\n');
}
