import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { ensureWindows1252, fixWindows1252, parseMessage, platformDecodesWindows1252 } from "./parse";

const sample = (name: string) => fs.readFileSync(new URL(`./samples/charsets/${name}`, import.meta.url));
/** Text with CRLF line ends as LF (the import normalises them; 8bit and base64 parts keep them). */
const unix = (text?: string) => text?.replace(/\r\n/g, "\n");

describe("every character of a message arrives intact", () => {
  it("Outlook's windows-1252 quoted-printable: dash, low and high quotes, euro, apostrophe, ellipsis", async () => {
    const email = await parseMessage(sample("outlook-windows-1252.eml"));
    expect(email.subject).toBe("Drucker kaputt – Büro 3");
    expect(email.from?.name).toBe("Jürgen Müller");
    expect(email.text).toContain("der Drucker in Büro 3 druckt nur noch „Streifen“ – seit dem Update. Kosten bisher: 80 €.");
    expect(email.text).toContain("Ich weiß, es ist „nicht dringend“, aber don’t wait…");
    expect(email.text).not.toMatch(/[\u0080-\u009f]/);
  });

  it("iso-8859-1 is read as windows-1252, as the Encoding standard (and every browser) reads it", async () => {
    const email = await parseMessage(sample("outlook-iso-8859-1.eml"));
    expect(email.subject).toBe("Invoice – wrong amount");
    expect(unix(email.text)).toBe("The invoice says 1.200 € – it should be 1.020 €. Can’t pay “as is”.\n");
  });

  it("Gmail's UTF-8, base64 subject and quoted-printable parts, an emoji included", async () => {
    const email = await parseMessage(sample("gmail-utf-8.eml"));
    expect(email.subject).toBe("Écran noir après la mise à jour");
    expect(email.from?.name).toBe("Renée Dupré");
    expect(email.text?.trim()).toBe("Bonjour, l’écran reste noir après la mise à jour. Merci d’avance 🙏");
  });

  it("Apple Mail's iso-8859-15, 8bit: the euro sign is 0xA4 there, not in Latin-1", async () => {
    const email = await parseMessage(sample("apple-mail-iso-8859-15.eml"));
    expect(email.subject).toBe("Forfait à 30 €");
    expect(email.from?.name).toBe("Zélie € Test");
    expect(unix(email.text)).toBe("Le forfait coûte 30 € par mois, œuvre comprise.\n");
  });

  it("Apple Mail's ISO-2022-JP and Outlook's KOI8-R", async () => {
    const jp = await parseMessage(sample("apple-mail-iso-2022-jp.eml"));
    expect(jp.subject).toBe("プリンター故障");
    expect(unix(jp.text)).toBe("プリンターが動きません。\n");
    const ru = await parseMessage(sample("outlook-koi8-r.eml"));
    expect(ru.subject).toBe("Принтер");
    expect(ru.from?.name).toBe("Иван");
    expect(unix(ru.text)).toBe("Не работает принтер, срочно.\n");
  });
});

describe("the windows-1252 table", () => {
  it("maps all 32 bytes 0x80–0x9F as the WHATWG index does; the five unassigned stay as they are", () => {
    const c1 = String.fromCharCode(...Array.from({ length: 32 }, (_, i) => 0x80 + i));
    expect(fixWindows1252(c1)).toBe("€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ");
    expect(fixWindows1252("plain ASCII, é and ß")).toBe("plain ASCII, é and ß");
  });

  it("once installed, every label of windows-1252 decodes right, and other encodings are untouched", () => {
    ensureWindows1252();
    expect(platformDecodesWindows1252()).toBe(true);
    for (const label of ["windows-1252", "iso-8859-1", "latin1", "us-ascii", "ascii", "cp1252", "x-cp1252"]) {
      expect(new TextDecoder(label).decode(Uint8Array.of(0x80, 0x96, 0xe9))).toBe("€–é");
    }
    expect(new TextDecoder("windows-1250").decode(Uint8Array.of(0x8a, 0x96))).toBe("Š–");
    expect(new TextDecoder("iso-8859-2").decode(Uint8Array.of(0xa9))).toBe("Š");
    expect(new TextDecoder().decode(Uint8Array.of(0xe2, 0x82, 0xac))).toBe("€");
  });

  it("a decoder that reads windows-1252 as Latin-1 (Node 20.18.3 and later) is found out", () => {
    class Latin1 {
      decode(input: Uint8Array) {
        return String.fromCharCode(...input);
      }
    }
    expect(platformDecodesWindows1252(Latin1 as unknown as typeof TextDecoder)).toBe(false);
  });
});
