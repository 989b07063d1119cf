/**
 * 16-bit PCM samples of a WAV file, found by walking its chunks (Asterisk may add LIST chunks).
 * A multi-channel file (FreeSWITCH RECORD_STEREO: channel 0 what the party says, channel 1 what
 * it hears) is mixed down to mono, so "both parties are in the file" reads the same for every
 * PBX; `channel` picks one channel instead (a mono file has only channel 0).
 */
export function wavPcm(wav: Buffer, channel?: number): { rate: number; samples: Int16Array } {
  if (wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let rate = 0;
  let bits = 0;
  let channels = 1;
  for (let off = 12; off + 8 <= wav.length;) {
    const id = wav.toString('ascii', off, off + 4);
    const size = wav.readUInt32LE(off + 4);
    if (id === 'fmt ') {
      channels = wav.readUInt16LE(off + 10);
      rate = wav.readUInt32LE(off + 12);
      bits = wav.readUInt16LE(off + 22);
    }
    if (id === 'data') {
      if (bits !== 16) throw new Error(`expected 16-bit PCM, got ${bits}-bit`);
      const end = Math.min(wav.length, off + 8 + size);
      const data = wav.subarray(off + 8, end);
      const frames = Math.floor(data.length / (2 * channels));
      const samples = new Int16Array(frames);
      if (channel !== undefined) {
        if (channel >= channels) throw new Error(`WAV has ${channels} channel(s), not channel ${channel}`);
        for (let i = 0; i < frames; i++) samples[i] = data.readInt16LE((i * channels + channel) * 2);
        return { rate, samples };
      }
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let c = 0; c < channels; c++) sum += data.readInt16LE((i * channels + c) * 2);
        samples[i] = Math.round(sum / channels);
      }
      return { rate, samples };
    }
    off += 8 + size + (size & 1);
  }
  throw new Error('WAV has no data chunk');
}

/**
 * Power of one frequency (Goertzel), normalised by block length so values from blocks of
 * different sizes compare. Returned as a fraction of the block's total energy (0–1), which makes
 * the result independent of the recording's level.
 */
export function toneShare(samples: Int16Array, rate: number, frequency: number): number {
  const k = 2 * Math.cos((2 * Math.PI * frequency) / rate);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (const x of samples) {
    const s0 = x + k * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += x * x;
  }
  const power = s1 * s1 + s2 * s2 - k * s1 * s2;
  if (energy === 0) return 0;
  // A pure sine of N samples gives power = N² A²/4 and energy = N A²/2, so power/(energy·N/2) = 1.
  return power / ((energy * samples.length) / 2);
}

/** The largest share of `frequency` over consecutive blocks of `blockMs` (tones may be bursts). */
export function peakToneShare(samples: Int16Array, rate: number, frequency: number, blockMs = 100): number {
  const n = Math.round((rate * blockMs) / 1000);
  let best = 0;
  for (let i = 0; i + n <= samples.length; i += n) {
    best = Math.max(best, toneShare(samples.subarray(i, i + n), rate, frequency));
  }
  return best;
}
