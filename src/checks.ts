/**
 * The one family of validators of option values (command line, stored configs, strategy options): each
 * takes the option's name as the user knows it (e.g. '--trials') and a value of any type, and returns the
 * value typed, or throws a one-line ConfigError naming the option. Values come from yargs, from tests, or from a stored config (JSON), so
 * nothing about their type is assumed.
 */
import { ConfigError } from './errors.js';

/** A validator: the value checked and typed, or a ConfigError naming `option`. */
export type Check<T> = (option: string, value: unknown) => T;

export function positiveInteger(option: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1) throw new ConfigError(`${option} must be a positive integer, not ${show(value)}`);
  return value as number;
}

/**
 * A positive integer of at most `max`: the bound no sane run exceeds, so that a slip (1e12 for 1e2) is refused
 * at once instead of hanging or exhausting the machine.
 */
/** An integer from 2 up to `max` (a reduction factor: 1 would keep everything). */
export function integerFromTwoUpTo(max: number): Check<number> {
  return (option, value) => {
    const checked = positiveIntegerUpTo(max)(option, value);
    if (checked < 2) throw new ConfigError(`${option} must be at least 2, not ${show(value)}`);
    return checked;
  };
}

export function positiveIntegerUpTo(max: number): Check<number> {
  return (option, value) => {
    const checked = positiveInteger(option, value);
    if (checked > max) throw new ConfigError(`${option} must be at most ${max.toLocaleString('en-US')}, not ${show(value)}`);
    return checked;
  };
}

/** An integer from 0 to `max` (see positiveIntegerUpTo). */
export function nonNegativeIntegerUpTo(max: number): Check<number> {
  return (option, value) => {
    const checked = nonNegativeInteger(option, value);
    if (checked > max) throw new ConfigError(`${option} must be at most ${max.toLocaleString('en-US')}, not ${show(value)}`);
    return checked;
  };
}

export function nonNegativeInteger(option: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 0) throw new ConfigError(`${option} must be an integer >= 0, not ${show(value)}`);
  return value as number;
}

export function positiveNumber(option: string, value: unknown): number {
  if (!isFiniteNumber(value) || value <= 0) throw new ConfigError(`${option} must be a positive number, not ${show(value)}`);
  return value;
}

export function nonNegativeNumber(option: string, value: unknown): number {
  if (!isFiniteNumber(value) || value < 0) throw new ConfigError(`${option} must be a number >= 0, not ${show(value)}`);
  return value;
}

export function finiteNumber(option: string, value: unknown): number {
  if (!isFiniteNumber(value)) throw new ConfigError(`${option} must be a number, not ${show(value)}`);
  return value;
}

/** Strictly between 0 and 1. */
export function inOpenUnit(option: string, value: unknown): number {
  if (!isFiniteNumber(value) || !(value > 0 && value < 1)) throw new ConfigError(`${option} must be between 0 and 1 (exclusive), not ${show(value)}`);
  return value;
}

/** In [0, 1). */
export function inHalfOpenUnit(option: string, value: unknown): number {
  if (!isFiniteNumber(value) || !(value >= 0 && value < 1)) throw new ConfigError(`${option} must be in [0, 1), not ${show(value)}`);
  return value;
}

export function oneOf<T extends string>(option: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${option} must be one of ${allowed.join(', ')}, not '${show(value)}'`);
  }
  return value as T;
}

/** oneOf as a Check, for a table of options. */
export function choiceOf<T extends string>(allowed: readonly T[]): Check<T> {
  return (option, value) => oneOf(option, value, allowed);
}

/** Any text (a name, a path): what it must name is checked where it is used. */
export function text(option: string, value: unknown): string {
  if (typeof value !== 'string') throw new ConfigError(`${option} must be text, not ${show(value)}`);
  return value;
}

/** The longest name (in characters) that `printableName` accepts. */
export const MAX_NAME_LENGTH = 100;

/**
 * A name shown in tables and terminals (an experiment's): 1 to 100 characters, none of them a control or
 * format character (no newline, tab or escape sequence), and no space at either end.
 */
export function printableName(option: string, value: unknown): string {
  if (typeof value !== 'string') throw new ConfigError(`${option} must be text, not ${show(value)}`);
  const why = printableNameProblem(value);
  if (why) throw new ConfigError(`${option} ${why}, not '${escapeControls(value)}'`);
  return value;
}

/** What is wrong with a name under printableName's rule, or undefined. */
export function printableNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if ([...name].length > MAX_NAME_LENGTH) return `must be at most ${MAX_NAME_LENGTH} characters`;
  if (/\p{C}/u.test(name)) return 'must be printable (no control characters, newlines or escape sequences)';
  if (name.trim() !== name) return 'must not start or end with a space';
  return undefined;
}

/** An on/off flag. */
export function trueOrFalse(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(`${option} is a flag (true or false), not ${show(value)}`);
  return value;
}

/** A JSON object given as text, e.g. '{"learningRate": 0.05}'; arrays and other JSON values are refused. */
export function jsonObject(option: string, value: unknown): Record<string, unknown> {
  const parsed = typeof value === 'string' ? parseJson(value) : undefined;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`${option} must be a JSON object such as '{"learningRate": 0.05}', not ${show(value)}`);
  }
  return parsed as Record<string, unknown>;
}

/** Device numbers such as 0,1: a comma-separated list, or the list itself. */
export function deviceNumbers(option: string, value: unknown): string[] {
  const devices = typeof value === 'string' ? splitList(value) : value;
  if (!Array.isArray(devices)) throw new ConfigError(`${option} takes device numbers such as 0,1, not ${show(value)}`);
  for (const device of devices) {
    if (typeof device !== 'string' || !/^\d+$/.test(device)) throw new ConfigError(`${option} takes device numbers such as 0,1, not '${show(device)}'`);
  }
  return devices as string[];
}

/** 'a, b,,c' -> ['a', 'b', 'c']. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function parseJson(textValue: string): unknown {
  try {
    return JSON.parse(textValue);
  } catch {
    return undefined;
  }
}

/** The value as a message shows it; control characters are escaped, so that none reaches the terminal. */
function show(value: unknown): string {
  const shown = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  return escapeControls(shown);
}

/** Control and format characters as \uXXXX escapes: text that is safe to print. */
export function escapeControls(text: string): string {
  return text.replace(/\p{C}/gu, (ch) => `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}
