/** 200 characters of plausible words: the longest query the list accepts (bench and SQL probe). */
export const LONG_QUERY =
  "printer laptop network password email access screen keyboard update install error server account login vpn wifi phone meeting calendar folder share drive backup license report invoice".slice(0, 200);
