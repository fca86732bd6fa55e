import { env } from "../env";

/** The page where an address-proof link lands (app/(auth)/confirm-address): the only place its address is spelled. */
export function confirmAddressUrl(token: string): string {
  return `${env().publicUrl}/confirm-address?token=${encodeURIComponent(token)}`;
}
