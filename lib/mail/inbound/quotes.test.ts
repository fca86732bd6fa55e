import fs from "node:fs";
import EmailReplyParser from "email-reply-parser";
import { describe, expect, it } from "vitest";
import { stripQuoted } from "./quotes";

const sample = (name: string) => fs.readFileSync(new URL(`./samples/${name}.txt`, import.meta.url), "utf8");

describe("stripQuoted: the clients people use", () => {
  it("Gmail", () => {
    expect(stripQuoted(sample("gmail"))).toBe(
      "Hi,\n\nthe printer on floor 3 is still offline after the restart.\nCould someone come by this afternoon?\n\nThanks,\nAnna",
    );
  });
  it("Gmail with the attribution wrapped before 'wrote:'", () => {
    expect(stripQuoted(sample("gmail-wrapped"))).toBe("Yes, that worked. You can close the ticket.\n\nBen");
  });
  it("Outlook desktop: the From/Sent/To/Subject block, keeping the sign-off", () => {
    expect(stripQuoted(sample("outlook-desktop"))).toBe(
      "Hello,\n\nthe invoice is attached again as a PDF.\n\nKind regards\nCarla Mendes\nAccounts Payable | Example Industries\nPhone +44 20 7946 0000",
    );
  });
  it("Outlook desktop: -----Original Message-----", () => {
    expect(stripQuoted(sample("outlook-desktop-original"))).toBe("Done, thanks.");
  });
  it("Outlook on the web (CRLF): the rule, the block and 'Get Outlook for iOS'", () => {
    expect(sample("outlook-web")).toContain("\r\n");
    expect(stripQuoted(sample("outlook-web"))).toBe("Thanks, that fixed it.");
  });
  it("Apple Mail on the desktop", () => {
    expect(stripQuoted(sample("apple-mail-desktop"))).toBe("Works now, thank you!\n\nInes");
  });
  it("iPhone: 'Sent from my iPhone' and a quoted attribution", () => {
    expect(stripQuoted(sample("apple-mail"))).toBe("The laptop is at the front desk, serial number C02XK1ABJG5H.");
  });
  it("Outlook in German", () => {
    expect(stripQuoted(sample("outlook-german"))).toBe("Hallo,\n\nder Drucker funktioniert wieder. Vielen Dank!\n\nGruß\nJonas");
  });
  it("Gmail in French, keeping 'Cordialement'", () => {
    expect(stripQuoted(sample("gmail-french"))).toBe(
      "Bonjour,\n\nLe problème persiste : l'écran reste noir au démarrage.\n\nCordialement,\nHélène",
    );
  });
  it("inline answers keep the questions they answer, not the attribution or the trailing quote", () => {
    expect(stripQuoted(sample("inline"))).toBe(
      "Answers below.\n\n> Which version of the app are you using?\n\n4.2.1\n\n> Does it happen on every login?\n\nOnly after a password change.",
    );
  });
  it("a message without a quote is unchanged", () => {
    expect(stripQuoted(sample("plain"))).toBe(sample("plain").trimEnd());
  });
  it("'wrote:' in the middle of a sentence, and a line starting with 'On', cut nothing", () => {
    expect(stripQuoted(sample("wrote-in-sentence"))).toBe(sample("wrote-in-sentence").trimEnd());
    const text = "On Monday my colleague wrote:\nthe printer is broken.";
    expect(stripQuoted(text)).toBe(text);
  });
  it("a forward is content: nothing after the marker is cut", () => {
    expect(stripQuoted(sample("forward"))).toBe(sample("forward").trimEnd());
    expect(stripQuoted(`FYI, see below.\n\n${sample("forward")}`)).toBe(`FYI, see below.\n\n${sample("forward").trimEnd()}`);
  });
});

describe("stripQuoted: what email-reply-parser alone misses", () => {
  const misses = (text: string, expected: string) => {
    expect(new EmailReplyParser().read(text).getVisibleText().trim()).not.toBe(expected);
    expect(stripQuoted(text)).toBe(expected);
  };
  it("Outlook's block when 'From:' has no address (Exchange names), in three languages", () => {
    misses("Done.\n\nFrom: Help Desk\nSent: Monday, November 30, 2026 10:02 AM\nTo: Dev Patel\nSubject: RE: [#7] Reset\n\nPlease confirm.", "Done.");
    misses("Erledigt.\n\nVon: Help Desk\nGesendet: Montag, 30. November 2026 10:02\nAn: Jonas Weber\nBetreff: AW: [#42] Drucker\n\nBitte bestätigen.", "Erledigt.");
    misses("C'est fait.\n\nDe : Help Desk\nEnvoyé : lundi 30 novembre 2026 10:02\nÀ : Hélène Martin\nObjet : RE: [#9] Écran\n\nMerci de confirmer.", "C'est fait.");
  });
  it("an attribution with no blank line before it over an unquoted history (from HTML)", () => {
    misses("Thanks!\nOn Mon, 30 Nov 2026 at 10:02, Help Desk <help@example.com> wrote:\n\nHello Anna, please restart it.", "Thanks!");
  });
  it("an attribution wrapped over three lines", () => {
    expect(stripQuoted("Thanks!\n\nOn Mon, 30 Nov 2026 at 10:02 AM Help Desk Team at Example\nCorporation <help@example.com>\nwrote:\n\n> Hello")).toBe("Thanks!");
  });
  it("an attribution wrapped inside the address, or followed directly by the quote", () => {
    expect(stripQuoted("Thanks!\n\nOn Mon, 30 Nov 2026 at 10:02, Help Desk <\nhelp@example.com> wrote:\n\n> Hello")).toBe("Thanks!");
    expect(stripQuoted("Thanks!\nOn Mon, 30 Nov 2026 at 10:02, Help Desk <help@example.com> wrote:\n> Hello")).toBe("Thanks!");
  });
  it("German Gmail ('… schrieb am …:') and Thunderbird ('Am … schrieb …:')", () => {
    expect(stripQuoted("Danke!\n\nHelp Desk <help@example.com> schrieb am Mo., 30. Nov. 2026, 10:02:\n\n> Hallo")).toBe("Danke!");
    expect(stripQuoted("Danke!\n\nAm 30.11.26 um 10:02 schrieb Help Desk:\n> Hallo")).toBe("Danke!");
  });
  it("Outlook on the web in French, with a non-breaking space before the colon", () => {
    expect(stripQuoted("Merci.\n\n________________________________\nDe\u00a0: Help Desk <help@example.com>\nEnvoyé\u00a0: lundi 30 novembre 2026 10:02\nÀ\u00a0: Hélène\nObjet\u00a0: RE: [#9]\n\nBonjour")).toBe("Merci.");
  });
});

describe("stripQuoted: what the parser contributes, and the edges", () => {
  it("an attribution in a language we do not list (Spanish), found by email-reply-parser", () => {
    expect(stripQuoted("Gracias, ya funciona.\n\nEl lun, 30 nov 2026 a las 10:02, Help Desk (<help@example.com>) escribió:\n\n> Hola")).toBe("Gracias, ya funciona.");
  });
  it("an RFC 3676 signature goes, a long block after '--' stays", () => {
    expect(stripQuoted("It works.\n\n-- \nAnna Berg\nIT, floor 3")).toBe("It works.");
    const long = `Steps:\n--\n${Array.from({ length: 15 }, (_, i) => `step ${i + 1}`).join("\n")}`;
    expect(stripQuoted(long)).toBe(long);
  });
  it("keeps the reply's own line breaks and indentation, trims trailing whitespace", () => {
    expect(stripQuoted("\n\nLine one   \n    indented\n\n\nafter two blanks\t\n\n")).toBe("Line one\n    indented\n\n\nafter two blanks");
  });
  it("when everything looks quoted, returns the trimmed original rather than nothing", () => {
    const text = "On Mon, 30 Nov 2026 at 10:02, Help Desk <help@example.com> wrote:\n> Hello\n> bye\n";
    expect(stripQuoted(text)).toBe(text.trim());
    expect(stripQuoted("> only a quote")).toBe("> only a quote");
    expect(stripQuoted("")).toBe("");
  });
  it("a bottom-post keeps the quote it answers", () => {
    expect(stripQuoted("On Mon, 30 Nov 2026 at 10:02, Help Desk <help@example.com> wrote:\n> Is it fixed?\n\nYes.")).toBe("> Is it fixed?\n\nYes.");
  });
});
