import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenarios, parseArgs } from '../../../bench/pacing/args.js';

const dir = mkdtempSync(join(tmpdir(), 'bench-args-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench:pacing arguments', () => {
  it('reads --target as a fraction or a percentage, --seeds and repeated --scenario', () => {
    const a = parseArgs(['--target', '0.01', '--seeds', '7', '--scenario', 'a', '--scenario', 'x/b.json']);
    expect(a.target).toBe(0.01);
    expect(a.seeds).toBe(7);
    expect(a.scenarios).toEqual(['a', 'x/b.json']);
    expect(parseArgs(['--target', '1%']).target).toBeCloseTo(0.01, 12);
    expect(parseArgs([]).target).toBe(0.03);
  });

  it.each([
    [['--target', '0'], /--target/],
    [['--target', 'abc'], /--target/],
    [['--seeds', '0'], /--seeds/],
    [['--scenario'], /--scenario needs a value/],
    [['--sceanrio', 'x'], /unknown flag --sceanrio/],
  ])('refuses %j', (argv, message) => expect(() => parseArgs(argv)).toThrow(message));

  it('loads a scenario from any path, named by its file when it has no name', () => {
    const file = join(dir, 'my-world.json');
    writeFileSync(file, JSON.stringify({ agents: 7 }));
    const [s] = loadScenarios({ scenarios: [file], quick: false }, dir);
    expect(s?.name).toBe('my-world');
    expect(s?.agents).toBe(7);
  });

  it('names the file and the field when a scenario is bad', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ agents: 2, pHuman: 0.9, pMachine: 0.5 }));
    expect(() => loadScenarios({ scenarios: [bad], quick: false }, dir)).toThrow(/outcome shares/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "agents": ');
    expect(() => loadScenarios({ scenarios: [broken], quick: false }, dir)).toThrow(/broken\.json/);
    expect(() => loadScenarios({ scenarios: ['nope'], quick: false }, dir)).toThrow(/no scenario named nope/);
  });
});
