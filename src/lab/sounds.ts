/**
 * Lengths of the Asterisk core sounds (asterisk-core-sounds-en-gsm, en_US_f_Allison) that tests
 * and examples use, in milliseconds: GSM 06.10 files are 33 bytes per 20 ms frame, so the length
 * is the file size / 33 × 20. The fake PBX plays each sound this long, so timing written
 * for the lab holds on it too.
 */
export const LAB_SOUND_MS: Readonly<Record<string, number>> = {
  'sound:beep': 440,
  'sound:hello-world': 1_420,
  'sound:demo-thanks': 5_520,
  'sound:vm-goodbye': 880,
  'sound:goodbye': 940,
  'sound:auth-thankyou': 960,
  'sound:vm-press': 740,
  'sound:please-try-again': 1_260,
  'sound:vm-sorry': 3_080,
  'sound:you-entered': 980,
  'sound:digits/1': 920,
  'sound:digits/5': 840,
};

/** A sound's length on the lab; 1 s for one not in the table. */
export function labSoundMs(media: string): number {
  return LAB_SOUND_MS[media] ?? 1_000;
}
