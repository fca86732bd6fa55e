import PostalMime, { type Email } from "postal-mime";

/**
 * Every inbound message is read here (the import, the oversize check of the poller): through
 * postal-mime, with text decoded by the platform's TextDecoder.
 *
 * Node 20.18.3 and later decode "windows-1252" as Latin-1 (nodejs/node#56542, #60888): the bytes
 * 0x80–0x9F, which Outlook in Western Europe sends as € ‚ „ … – — ‘ ’ “ ” ™ and so on, come out as
 * the invisible controls U+0080–U+009F. The WHATWG Encoding standard maps windows-1252 and every
 * label it names (iso-8859-1, latin1, us-ascii, ascii, cp1252 …) to the one table below, so a
 * decoder whose `encoding` is "windows-1252" must give these characters. Where the platform gets
 * it wrong (checked once, so a fixed Node is left alone), TextDecoder is replaced by a subclass that
 * maps those 32 code points after decoding: a single-byte encoding, so the mapping is exact, and
 * decoders of every other encoding are untouched.
 */

/** WHATWG index-windows-1252 for 0x80–0x9F (the five unassigned bytes stay as their C1 controls). */
const C1 = String.fromCharCode(
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
);

/** Decoded windows-1252 text with any byte 0x80–0x9F that came out as a C1 control put right. */
export function fixWindows1252(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (c) => C1[c.charCodeAt(0) - 0x80]);
}

/** Whether this platform's TextDecoder decodes windows-1252 as the standard says. */
export function platformDecodesWindows1252(decoder: typeof TextDecoder = globalThis.TextDecoder): boolean {
  return new decoder("windows-1252").decode(Uint8Array.of(0x80, 0x96)) === "€–";
}

let checked = false;

/** Installs the corrected TextDecoder if this platform needs it (once; idempotent). */
export function ensureWindows1252() {
  if (checked) return;
  checked = true;
  if (platformDecodesWindows1252()) return;
  const Native = globalThis.TextDecoder;
  class StandardTextDecoder extends Native {
    override decode(input?: AllowSharedBufferSource, options?: TextDecodeOptions): string {
      const text = super.decode(input, options);
      return this.encoding === "windows-1252" ? fixWindows1252(text) : text;
    }
  }
  globalThis.TextDecoder = StandardTextDecoder;
}

/** A whole message, parsed. */
export function parseMessage(raw: Uint8Array | Buffer): Promise<Email> {
  ensureWindows1252();
  return PostalMime.parse(raw);
}
