import { describe, expect, it } from "vitest";
import { clientAddress, isTrusted, normalise, parseTrustedProxies, throttleKey } from "./address";

describe("clientAddress", () => {
  it("without trusted proxies, the connection's address, whatever X-Forwarded-For says", () => {
    expect(clientAddress("203.0.113.9", null, [])).toBe("203.0.113.9");
    expect(clientAddress("203.0.113.9", "1.2.3.4", [])).toBe("203.0.113.9");
    expect(clientAddress("::ffff:203.0.113.9", "1.2.3.4, 5.6.7.8", [])).toBe("203.0.113.9");
  });

  it("behind a trusted proxy, the last address that proxy added", () => {
    expect(clientAddress("127.0.0.1", "198.51.100.7", ["127.0.0.1"])).toBe("198.51.100.7");
    // A client's own X-Forwarded-For comes first; the proxy appends the real address last.
    expect(clientAddress("127.0.0.1", "6.6.6.6, 198.51.100.7", ["127.0.0.1"])).toBe("198.51.100.7");
  });

  it("walks back through a chain of trusted proxies, and stops at the first untrusted hop", () => {
    expect(clientAddress("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.1", ["10.0.0.0/8"])).toBe("198.51.100.7");
    expect(clientAddress("10.0.0.2", "10.0.0.5", ["10.0.0.0/8"])).toBe("10.0.0.5");
  });

  it("a connection from an untrusted address never reads the header", () => {
    expect(clientAddress("192.0.2.1", "10.0.0.9", ["127.0.0.1"])).toBe("192.0.2.1");
  });

  it("an entry a trusted proxy wrote that is not an address ends the walk with no address", () => {
    // What is before it is anybody's: "6.6.6.6" must not become the client.
    expect(clientAddress("127.0.0.1", "6.6.6.6, unknown", ["127.0.0.1"])).toBeNull();
    expect(clientAddress("127.0.0.1", "6.6.6.6, 198.51.100.7:4711", ["127.0.0.1"])).toBeNull();
  });

  it("no peer means no address", () => {
    expect(clientAddress(null, "1.2.3.4", ["127.0.0.1"])).toBeNull();
    expect(clientAddress("", "1.2.3.4", [])).toBeNull();
  });
});

describe("addresses and ranges", () => {
  it("normalises IPv4-mapped IPv6 and brackets, and rejects non-addresses", () => {
    expect(normalise("::FFFF:10.1.2.3")).toBe("10.1.2.3");
    expect(normalise("[::1]")).toBe("::1");
    expect(normalise("localhost")).toBeNull();
    expect(normalise("1.2.3.4:80")).toBeNull();
  });
  it("matches exact addresses and IPv4 ranges", () => {
    expect(isTrusted("10.20.30.40", ["10.0.0.0/8"])).toBe(true);
    expect(isTrusted("11.0.0.1", ["10.0.0.0/8"])).toBe(false);
    expect(isTrusted("192.168.1.1", ["0.0.0.0/0"])).toBe(true);
    expect(isTrusted("::1", ["::1"])).toBe(true);
    expect(isTrusted("::1", ["127.0.0.1"])).toBe(false);
  });
  it("parses the setting and names a bad entry", () => {
    expect(parseTrustedProxies(undefined)).toEqual([]);
    expect(parseTrustedProxies(" 127.0.0.1, ::1 ,10.0.0.0/8")).toEqual(["127.0.0.1", "::1", "10.0.0.0/8"]);
    expect(parseTrustedProxies("127.0.0.1,proxy.local")).toEqual({ error: expect.stringContaining("proxy.local") });
    expect(parseTrustedProxies("10.0.0.0/33")).toHaveProperty("error");
  });
});

describe("throttleKey", () => {
  it("keeps IPv4 addresses, and counts IPv6 by its /64", () => {
    expect(throttleKey("203.0.113.9")).toBe("203.0.113.9");
    expect(throttleKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
    expect(throttleKey("2001:db8:1:2::99")).toBe("2001:db8:1:2::/64");
    expect(throttleKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(throttleKey("2001:0db8:0001:0002::1")).toBe("2001:db8:1:2::/64");
    expect(throttleKey("::1")).toBe("0:0:0:0::/64");
  });
});
