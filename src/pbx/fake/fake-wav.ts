const RATE = 8_000;

/**
 * A mixed recording as the lab would produce it: 16-bit PCM mono 8 kHz WAV with one sine per
 * party (customers 440 Hz, agents 1 kHz), so tone checks written for the lab also hold here.
 */
export function synthWav(durationSec: number, frequencies: readonly number[]): Buffer {
  const samples = Math.max(1, Math.round(durationSec * RATE));
  const data = Buffer.alloc(samples * 2);
  const amplitude = frequencies.length > 0 ? 8_000 / frequencies.length : 0;
  for (let i = 0; i < samples; i++) {
    let v = 0;
    for (const f of frequencies) v += Math.sin((2 * Math.PI * f * i) / RATE);
    data.writeInt16LE(Math.round(v * amplitude), i * 2);
  }
  return Buffer.concat([wavHeader(data.length), data]);
}

function wavHeader(dataBytes: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(RATE, 24);
  h.writeUInt32LE(RATE * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}
