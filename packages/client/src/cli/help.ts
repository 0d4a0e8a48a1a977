/** What `sonna-history --help` and `sonna-history <command> --help` print. */

const EXIT_CODES = `Exit codes: 0 done; 1 done, but items failed or were skipped (each listed), or the one thing asked
for was refused (get of a missing id); 2 usage, configuration, connection or local file errors
(nothing was done); 130 interrupted (Ctrl-C), after the report of what was done.`;

const CONNECTION = `  --url <url>      the API (default $SONNA_API_URL)
  --token <jwt>    a bearer token (default $SONNA_TOKEN)
  --json           machine-readable output on stdout (errors too: {"error": {...}})
  -h, --help       this command's help`;

const FILTERS = `  --profile <id>   only this profile's generations
  --status <s>     pending, completed or failed
  --tag <tag>      only generations with this tag; repeat for several
  --favorites      only favorites`;

export const USAGE = `Usage: sonna-history <command> [options]

Commands:
  ls                       list generations, newest first
  search <text>            list generations whose text contains <text>
  get <id>                 one generation
  download <id>...         each generation's audio into --out as <text>-<id>.wav (--format mp3...)
  export [<id>...]         a ZIP export of these generations (all, or those the filters pick) into --out
  import <zip>...          import archives: a generation's export, every generation of an
                           \`export\` part, a Voicebox export
  stats                    totals, by status, profile, engine and language
  import-voicebox <dir>    move a Voicebox desktop history in (its data directory, holding voicebox.db)
  backup <dir>             keep a folder mirror of the history; a second run fetches only what changed

Options (see sonna-history <command> --help for each command's):
${CONNECTION}

${EXIT_CODES}
`;

const command = (usage: string, about: string, options: string, examples: string) =>
  `Usage: sonna-history ${usage}

${about}

Options:
${options ? `${options}\n` : ""}${CONNECTION}

Examples:
${examples}

${EXIT_CODES}
`;

export const COMMAND_HELP: Record<string, string> = {
  ls: command(
    "ls [options]",
    "Lists generations, newest first, as a table (or JSON).",
    `${FILTERS}\n  --limit <n>      at most n rows (default 50)`,
    "  sonna-history ls --tag intro --limit 20\n  sonna-history ls --status failed --json",
  ),
  search: command(
    "search <text> [options]",
    "Lists generations whose text contains <text>, newest first.",
    `${FILTERS}\n  --limit <n>      at most n rows (default 50)`,
    '  sonna-history search "hello" --json',
  ),
  get: command("get <id> [options]", "Prints one generation's fields. A missing id exits 1.", "", "  sonna-history get 01J...\n  sonna-history get 01J... --json"),
  download: command(
    "download <id>... [options]",
    "Downloads each generation's audio (its default version) into --out as <text words>-<id>.<format>.\nA file already there is not replaced (that id is reported as failed) unless --force.",
    "  --out <dir>      the folder (default .; created when missing)\n  --format <f>     wav (default, the original bytes), flac, mp3 or opus\n  --bitrate <kbps> mp3 (64-320, default 128) or opus (default 64)\n  --force          replace files already there",
    "  sonna-history download 01JA... 01JB... --out ./audio\n  sonna-history download 01JA... --format mp3 --bitrate 192",
  ),
  export: command(
    "export [<id>...] [options]",
    "Runs a bulk export job (the given ids, or every generation the filters pick) and downloads its\nZIP parts into --out as sonna-history-export-<job id>-part-<n>.zip. Generations that are not\ncompleted are skipped by the service and reported (exit 1).",
    `${FILTERS}\n  --out <dir>      the folder (default .)\n  --force          replace files already there`,
    "  sonna-history export --profile 01J... --out ./exports\n  sonna-history export 01JA... 01JB...",
  ),
  import: command(
    "import <zip>... [options]",
    "Imports archives: a generation's export (GET /history/{id}/export), every generation of an\n`export` part (split here: the service imports one generation per archive), or a Voicebox\nexport. Each comes into the archive's profile (by id, else one of the same name, else a new one).\nImporting the same archive twice creates it twice.",
    "  --profile <id>   import into this profile instead",
    "  sonna-history import a.zip sonna-history-export-01J...-part-1.zip",
  ),
  stats: command("stats [options]", "Totals, by status, profile, engine and language.", "", "  sonna-history stats\n  sonna-history stats --json"),
  "import-voicebox": command(
    "import-voicebox <dir> [options]",
    `Moves a Voicebox desktop history in. <dir> is Voicebox's data directory (holding voicebox.db).
Each Voicebox profile goes to the profile already holding its imported generations, else the one
of the same name (in any case), else a new one. Rows whose audio is missing or not a WAV are
skipped and listed (exit 1).

Run it again at will: a row already imported (a generation with the same creation time and text,
or for a failed one the same text and error, in its profile) is not imported twice. A generation
you deleted here is not there any more, so a later run imports it again.`,
    "",
    "  sonna-history import-voicebox ~/.local/share/voicebox\n  sonna-history import-voicebox ./voicebox-copy --json",
  ),
  backup: command(
    "backup <dir> [options]",
    `Keeps <dir> a mirror of the history: a folder per profile, a WAV and a JSON sidecar per
generation. The first run lists everything; later runs read the change feed from the cursor
saved in <dir> and fetch only what changed. A folder holds one account's backup.`,
    "",
    "  sonna-history backup ./sonna-backup\n  sonna-history backup ./sonna-backup --json",
  ),
};

/** The one line that follows a usage error. */
export const seeHelp = (name: string | undefined) => `See sonna-history ${name && COMMAND_HELP[name] ? `${name} ` : ""}--help.\n`;
