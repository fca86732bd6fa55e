/** The pure logic of the email-to-ticket importer: no database, no network. */
export { htmlToText, decodeEntities, type HtmlToTextOptions } from "./html";
export {
  baseAddress,
  capReferences,
  cleanSubject,
  normalizeAddress,
  normalizeMessageId,
  parseReferences,
  rawHash,
  subjectTicketNumber,
} from "./ids";
export { automatedReason, type InboundHeaders } from "./loop";
export { matchTicket, type Lookups, type Match, type MatchInput, type Relation } from "./match";
export { stripQuoted } from "./quotes";
export { replyAddress, replyMarker, replyToken, tokenFromAddresses, tokenFromText, verifyReplyToken } from "./token";
