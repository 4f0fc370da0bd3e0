/**
 * How many SMS parts a text costs and in which encoding (DESIGN "Send", SMS): GSM-7 takes 160
 * characters in one part and 153 per part when split, UCS-2 70 / 67. One character outside the
 * GSM default alphabet — Turkish ş, ğ, ı, İ, Ş, Ğ, ç — makes the whole message UCS-2. Counted by
 * Twilio's maintained calculator (sms-segments-calculator), without smart encoding: SNS sends
 * the text as given.
 */
import { SegmentedMessage } from 'sms-segments-calculator';

export interface SmsSegments {
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  characters: number;
}

export function smsSegments(text: string): SmsSegments {
  const message = new SegmentedMessage(text, 'auto', false);
  return { encoding: message.encodingName, segments: message.segmentsCount, characters: message.numberOfCharacters };
}
