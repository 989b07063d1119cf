import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';

const GUIDE = readFileSync('docs/admin-guide.md', 'utf8');

/** The `dialer …` lines of the guide's shell blocks, without trailing comments. */
function dialerLines(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks
    .flatMap((b) => b.split('\n'))
    .map((l) => l.replace(/\s+#\s.*$/, '').trim())
    .filter((l) => l.startsWith('dialer '));
}

/** Whitespace split that keeps quoted words whole (enough for the guide's commands). */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

/** Why `line` would not parse as a dialer command (unknown command, option, missing argument). */
function problem(program: Command, line: string): string | undefined {
  const args = words(line).slice(1);
  if (args.length === 1 && (args[0] === '--version' || args[0] === '--help')) return undefined;
  let cmd = program;
  const globals = new Set(program.options.flatMap((o) => [o.long, o.short]));
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a.startsWith('-')) {
      const opt = cmd.options.find((o) => o.long === a || o.short === a);
      if (!opt && !globals.has(a)) return `unknown option ${a} for "${cmd.name()}"`;
      if ((opt ?? program.options.find((o) => o.long === a || o.short === a))?.required) i++;
      continue;
    }
    const sub = positional.length === 0 ? cmd.commands.find((c) => c.name() === a) : undefined;
    if (sub) cmd = sub;
    else positional.push(a);
  }
  if (cmd.commands.length > 0) return `"${cmd.name()}" needs a subcommand`;
  const required = cmd.registeredArguments.filter((r) => r.required).length;
  if (positional.length < required) return `"${cmd.name()}" needs ${required} argument(s)`;
  if (positional.length > cmd.registeredArguments.length) return `"${cmd.name()}" takes fewer arguments`;
  return undefined;
}

describe('docs/admin-guide.md', () => {
  const program = buildProgram();

  it('every dialer command it gives exists with those options and arguments', () => {
    const lines = dialerLines(GUIDE);
    expect(lines.length).toBeGreaterThan(12);
    expect(lines.map((l) => [l, problem(program, l)]).filter(([, p]) => p)).toEqual([]);
  });

  it('the checker itself refuses what does not exist', () => {
    expect(problem(program, 'dialer campaign launch x')).toBeDefined();
    expect(problem(program, 'dialer import x.csv --campain c')).toMatch(/unknown option --campain/);
    expect(problem(program, 'dialer doctor')).toMatch(/needs 1 argument/);
    expect(problem(program, 'dialer pbx')).toMatch(/needs a subcommand/);
  });

  it('every repository file it names exists', () => {
    const paths = [
      ...GUIDE.matchAll(/(?:\/opt\/dialer\/|`)((?:dialplan|config|docs|scripts|src|test|bin)\/[\w./-]*\w)/g),
    ]
      .map((m) => m[1] ?? '')
      // The admin's own copy of the example (git-ignored), not a file of the repository.
      .filter((p) => p !== 'config/dialer.yaml');
    expect(paths.length).toBeGreaterThan(8);
    expect(paths.filter((p) => !existsSync(p))).toEqual([]);
  });

  it("the systemd unit's ExecStart is a dialer command too", () => {
    const unit = readFileSync('config/dialer.service', 'utf8');
    const exec = /^ExecStart=\S+ \S+\/dist\/cli\/main\.js (.*)$/m.exec(unit)?.[1];
    expect(exec).toBeDefined();
    expect(problem(program, `dialer ${exec ?? ''}`)).toBeUndefined();
  });
});
