import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/main.js';

/** Every command under `program`, with its full name (`dialer campaign approve`). */
function walk(cmd: Command, prefix = ''): { name: string; cmd: Command }[] {
  const name = `${prefix}${cmd.name()}`;
  return [{ name, cmd }, ...cmd.commands.flatMap((c) => walk(c, `${name} `))];
}

describe('the dialer command line', () => {
  const program = buildProgram();
  const all = walk(program);

  it('describes every command, argument and option', () => {
    const missing: string[] = [];
    for (const { name, cmd } of all) {
      if (!cmd.description()) missing.push(name);
      for (const a of cmd.registeredArguments) if (!a.description) missing.push(`${name} <${a.name()}>`);
      for (const o of cmd.options) if (!o.description) missing.push(`${name} ${o.flags}`);
    }
    expect(missing).toEqual([]);
    expect(all.length).toBeGreaterThan(30);
  });

  it('spells the product one way in every help text', () => {
    const help = all.map(({ cmd }) => cmd.helpInformation()).join('\n');
    expect(help).not.toMatch(/dialler/i);
  });

  it('--version prints the package version', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    let out = '';
    const p = buildProgram()
      .exitOverride()
      .configureOutput({ writeOut: (s) => (out += s) });
    expect(() => p.parse(['node', 'dialer', '--version'])).toThrow(pkg.version);
    expect(out).toBe(`dialer ${pkg.version} (Node ${process.versions.node})\n`);
  });
});
