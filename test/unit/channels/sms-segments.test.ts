import { describe, expect, it } from 'vitest';
import { smsSegments } from '../../../shared/channels/sms-segments.js';

describe('smsSegments', () => {
  it('fits 160 GSM-7 characters in one part and splits 161 into 153-character parts', () => {
    expect(smsSegments('a'.repeat(160))).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(smsSegments('a'.repeat(161))).toMatchObject({ encoding: 'GSM-7', segments: 2 });
    expect(smsSegments('a'.repeat(306))).toMatchObject({ segments: 2 });
    expect(smsSegments('a'.repeat(307))).toMatchObject({ segments: 3 });
  });

  it.each(['ş', 'ğ', 'ı', 'İ', 'Ş', 'Ğ', 'ç'])('switches to UCS-2 for the Turkish letter %s', (letter) => {
    expect(smsSegments(`Sepetiniz${letter}`).encoding).toBe('UCS-2');
  });

  it('fits 70 UCS-2 characters in one part and splits 71 into 67-character parts', () => {
    expect(smsSegments('ş'.repeat(70))).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect(smsSegments('ş'.repeat(71))).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    expect(smsSegments('ş'.repeat(135))).toMatchObject({ segments: 3 });
  });

  it('keeps letters of the GSM alphabet (ü, ö, Ç, é) in GSM-7', () => {
    expect(smsSegments('Çok güzel ürün, öneririm é').encoding).toBe('GSM-7');
  });
});
