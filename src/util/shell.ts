/** A word for a shell command line: as it is when it is plain, else single-quoted. */
export function shellQuote(text: string): string {
  return /^[\w./:-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The command that continues an experiment (for messages). */
export function resumeCommand(name: string, dbFile: string): string {
  const db = dbFile === 'results.db' ? '' : ` --db ${shellQuote(dbFile)}`;
  return `nas search --resume --name ${shellQuote(name)}${db}`;
}
