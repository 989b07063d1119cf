import { lstat, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyToNewFile, createExclusive, PrivateFile } from '../../src/files/private-file.js';
import { RejectsWriter } from '../../src/import/rejects.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dialer-private-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const modeOf = async (p: string) => (await stat(p)).mode & 0o777;

describe('files the product writes', () => {
  it('a rejects file is 0600, has code and message columns and formula-safe cells', async () => {
    const w = new RejectsWriter(join(dir, 'leads.csv.rejects.csv'));
    await w.start();
    await w.write({
      row: 3,
      field: 'name',
      code: 'field-too-long',
      message: 'too long',
      raw: '=HYPERLINK("x")',
    });
    await w.close();
    expect(await modeOf(w.path)).toBe(0o600);
    expect(await readFile(w.path, 'utf8')).toBe(
      '"row","field","code","message","raw"\n"3","name","field-too-long","too long","\'=HYPERLINK(""x"")"\n',
    );
    expect(await readdir(dir)).toEqual(['leads.csv.rejects.csv']); // no temporary file left
  });

  it('a symlink planted at the rejects path is replaced, never followed', async () => {
    const victim = join(dir, 'victim.txt');
    await writeFile(victim, 'precious\n');
    const path = join(dir, 'leads.csv.rejects.csv');
    const w = new RejectsWriter(path);
    await w.start();
    await symlink(victim, path); // planted between start() and the first reject
    await w.write({ row: 2, field: 'phone', code: 'bad-number', message: 'x', raw: '' });
    await w.close();
    expect(await readFile(victim, 'utf8')).toBe('precious\n');
    expect((await lstat(path)).isSymbolicLink()).toBe(false);
    expect(await modeOf(path)).toBe(0o600);
  });

  it('an export file is written under a random name and renamed into place', async () => {
    const path = join(dir, 'dnc.csv');
    const f = await PrivateFile.create(path);
    expect(f.tempPath).not.toBe(path);
    expect(f.tempPath.startsWith(join(dir, '.dnc.csv.'))).toBe(true);
    await f.write('"phone"\n');
    await f.commit();
    expect(await modeOf(path)).toBe(0o600);
    expect(await readFile(path, 'utf8')).toBe('"phone"\n');
  });

  it('an exclusive create refuses an existing file and a symlink', async () => {
    const victim = join(dir, 'victim.txt');
    await writeFile(victim, 'precious\n');
    await symlink(victim, join(dir, 'link'));
    await expect(createExclusive(join(dir, 'link'), 0o600)).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(createExclusive(victim, 0o600)).rejects.toMatchObject({ code: 'EEXIST' });
  });

  it('a copied recording gets the archive mode and replaces a planted link without following it', async () => {
    const victim = join(dir, 'victim.txt');
    await writeFile(victim, 'precious\n');
    const dest = join(dir, 'rec.wav.partial');
    await symlink(victim, dest);
    const bytes = await copyToNewFile(Readable.from([Buffer.from('RIFF....')]), dest, 0o640);
    expect(bytes).toBe(8);
    expect(await modeOf(dest)).toBe(0o640);
    expect(await readFile(victim, 'utf8')).toBe('precious\n');
  });
});
