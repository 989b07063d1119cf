import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes a real PCM WAV (8 kHz, 16-bit) with a tone per channel, standing in for what
 * FreeSWITCH's uuid_record / conference record leave on disk.
 */
export function writeToneWav(path: string, seconds: number, channels: 1 | 2): void {
  const rate = 8000;
  const frames = Math.max(1, Math.round(seconds * rate));
  const data = Buffer.alloc(frames * channels * 2);
  const tones = [440, 1000];
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const freq = tones[c] ?? 440;
      const sample = Math.round(8000 * Math.sin((2 * Math.PI * freq * i) / rate));
      data.writeInt16LE(sample, (i * channels + c) * 2);
    }
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.concat([header, data]));
}
