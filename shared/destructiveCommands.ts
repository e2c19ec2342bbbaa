/**
 * Finds the parts of a shell command that destroy or disrupt something
 * (`kubectl delete`, `rm -rf`, `terraform destroy`, a script piped from curl
 * into a shell), so a confirmation can show them in the warning colour.
 *
 * It reads the command as a shell would split it (quotes, `\` line
 * continuations, `&&`, `||`, `;`, `|`, newlines, `$( … )`), and judges each
 * simple command by its own command word: `kubectl get pods | grep delete` is
 * not a delete, `echo "rm -rf /"` is not a removal. It is a warning aid, not a
 * sandbox: a command it does not flag is not thereby safe.
 */

/** One destructive part of a command: `command.slice(start, end)`, and why. */
export interface DestructivePart {
  start: number;
  end: number;
  /** For a person: "deletes Kubernetes objects". */
  reason: string;
}

/** A command cut into runs, each destructive or not, covering the whole text in order. */
export interface CommandSegment {
  text: string;
  /** Why this run is destructive; absent for the rest. */
  reason?: string;
}

interface Word {
  /** The word as the shell sees it: quotes removed, escapes applied. */
  value: string;
  start: number;
  end: number;
}

interface SimpleCommand {
  words: Word[];
  /** Joined to the previous command by a pipe. */
  piped: boolean;
}

const SEPARATORS = ['&&', '||', ';;', '$(', ';', '|', '&', '\n', '(', ')', '`'];

/** Splits `text` into simple commands and their words, as a POSIX shell would (well enough to judge them). */
function parse(text: string): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let current: SimpleCommand = { words: [], piped: false };
  let word: Word | null = null;
  const endWord = (at: number) => {
    if (word) {
      word.end = at;
      current.words.push(word);
      word = null;
    }
  };
  const endCommand = (piped: boolean) => {
    if (current.words.length) commands.push(current);
    current = { words: [], piped };
  };
  const addChar = (ch: string, at: number) => {
    word ??= { value: '', start: at, end: at };
    word.value += ch;
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\') {
      // A line continuation is whitespace; any other escaped character is literal.
      if (text[i + 1] === '\n') {
        endWord(i);
        i += 2;
      } else if (text[i + 1] === '\r' && text[i + 2] === '\n') {
        endWord(i);
        i += 3;
      } else {
        addChar(text[i + 1] ?? '', i);
        i += 2;
      }
      continue;
    }
    if (ch === "'" || ch === '"') {
      word ??= { value: '', start: i, end: i };
      const close = text.indexOf(ch, i + 1);
      const stop = close < 0 ? text.length : close;
      // Double quotes keep `\"` as a quote; single quotes take everything literally.
      let inner = text.slice(i + 1, stop);
      if (ch === '"') inner = inner.replace(/\\(["\\$`])/g, '$1');
      word.value += inner;
      i = stop + 1;
      continue;
    }
    if (ch === '#' && !word) {
      // A comment runs to the end of the line.
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
      continue;
    }
    if (/\s/.test(ch) && ch !== '\n') {
      endWord(i);
      i++;
      continue;
    }
    const sep = SEPARATORS.find((s) => text.startsWith(s, i));
    // `2>&1`, `&>file`, `<&3`: redirections, not a background `&`.
    const redirect = sep === '&' && (text[i - 1] === '>' || text[i - 1] === '<' || text[i + 1] === '>');
    if (sep && !redirect) {
      endWord(i);
      endCommand(sep === '|');
      i += sep.length;
      continue;
    }
    addChar(ch, i);
    i++;
  }
  endWord(text.length);
  endCommand(false);
  return commands;
}

const base = (w: string) => w.slice(w.lastIndexOf('/') + 1);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish']);
const DOWNLOADERS = new Set(['curl', 'wget']);

/** Commands that run the command after them (and their own options): `sudo -u root kubectl …`, `timeout 60 kubectl …`. */
const WRAPPERS = new Set(['sudo', 'doas', 'env', 'xargs', 'time', 'nohup', 'exec', 'command', 'timeout', 'watch', 'nice', 'ionice', 'stdbuf', 'chrt', 'taskset', 'unbuffer']);
/** Wrappers whose first positional is theirs, not the command's: `timeout 60`, `chrt 10`, `taskset 0x3`. */
const WRAPPERS_WITH_ARGUMENT = new Set(['timeout', 'chrt', 'taskset']);

/** The words from the command word on: leading wrappers (see {@link WRAPPERS}) and `VAR=value` are skipped. */
function commandWords(words: Word[]): Word[] {
  let i = 0;
  while (i < words.length) {
    const w = base(words[i].value);
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i].value)) i++;
    else if (WRAPPERS.has(w)) {
      i++;
      // Their own options (`sudo -u root`, `xargs -r`, `watch -n 5`, `nice -n 10`): skip those, not the command.
      while (i < words.length && words[i].value.startsWith('-')) {
        const takesValue = /^-[ugCnILscpk]$/.test(words[i].value);
        i += takesValue ? 2 : 1;
      }
      if (WRAPPERS_WITH_ARGUMENT.has(w)) i++;
    } else break;
  }
  return words.slice(i);
}

/** kubectl's global options that take a separate value (`-n prod`). */
const KUBECTL_VALUE_FLAGS = new Set(['-n', '--namespace', '--context', '--kubeconfig', '--cluster', '--user', '-s', '--server', '--as', '--as-group', '--token', '-l', '--selector', '-o', '--output', '-f', '--filename', '--request-timeout', '--cache-dir', '-v', '--v', '-c', '--container']);
/** ssh's options that take a separate value (`-i key`, `-p 2222`). */
const SSH_VALUE_FLAGS = new Set(['-b', '-c', '-D', '-E', '-e', '-F', '-I', '-i', '-J', '-L', '-l', '-m', '-O', '-o', '-p', '-Q', '-R', '-S', '-W', '-w']);

/** The positional arguments of a command, skipping options and the values of those in `valueFlags`. */
function positionals(args: Word[], valueFlags: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    if (v.startsWith('-')) {
      if (valueFlags.has(v)) i++;
    } else out.push(v);
  }
  return out;
}

function hasFlag(args: Word[], test: (v: string, next: string | undefined) => boolean): boolean {
  return args.some((a, i) => test(a.value, args[i + 1]?.value));
}

/** Why the simple command made of `words` is destructive, or undefined. */
function judge(words: Word[]): string | undefined {
  const [head, ...args] = commandWords(words);
  if (!head) return undefined;
  const cmd = base(head.value);
  const values = args.map((a) => a.value);
  switch (cmd) {
    case 'kubectl':
    case 'k':
    case 'oc': {
      const [verb, sub] = positionals(args, KUBECTL_VALUE_FLAGS);
      // What runs in the container: `kubectl exec pod -- rm -rf /data`.
      const dashDash = values.indexOf('--');
      if ((verb === 'exec' || verb === 'debug' || verb === 'run') && dashDash >= 0) return judge(args.slice(dashDash + 1));
      // A dry run changes nothing, whatever the verb.
      if (values.some((v) => /^--dry-run(=(client|server))?$/.test(v))) return undefined;
      if (verb === 'delete') return 'deletes Kubernetes objects';
      if (verb === 'taint' && values.some((v) => v.endsWith(':NoExecute'))) return 'evicts pods from a node (NoExecute taint)';
      if (verb === 'apply' && values.some((v) => v === '--prune' || v.startsWith('--prune='))) return 'deletes objects that are not in the files (--prune)';
      if (verb === 'drain') return 'evicts every pod from a node';
      if (verb === 'cordon') return 'stops new pods from being scheduled on a node';
      if (verb === 'replace' && values.includes('--force')) return 'deletes and re-creates Kubernetes objects';
      if (verb === 'rollout' && sub === 'undo') return undefined;
      if (verb === 'scale' && hasFlag(args, (v, next) => /^--replicas=0+$/.test(v) || (v === '--replicas' && next !== undefined && /^0+$/.test(next))))
        return 'scales a workload to zero replicas';
      return undefined;
    }
    case 'rm': {
      const short = values.filter((v) => /^-[A-Za-z]+$/.test(v)).join('');
      const recursive = /[rR]/.test(short) || values.includes('--recursive');
      const force = short.includes('f') || values.includes('--force');
      return recursive && force ? 'removes files and folders without asking' : undefined;
    }
    case 'helm': {
      const [verb] = positionals(args, KUBECTL_VALUE_FLAGS);
      return verb === 'uninstall' || verb === 'delete' || verb === 'del' || verb === 'un' ? 'uninstalls a Helm release' : undefined;
    }
    case 'velero':
      return positionals(args, KUBECTL_VALUE_FLAGS).includes('delete') ? 'deletes Velero backups or schedules' : undefined;
    case 'aws': {
      const pos = positionals(args, new Set(['--profile', '--region', '--output', '--endpoint-url', '--query']));
      const [service, op] = pos;
      if (op !== undefined && (op.startsWith('delete-') || op === 'terminate-instances')) return `runs AWS ${service} ${op}`;
      if (service === 's3' && (op === 'rm' || op === 'rb')) return op === 'rm' ? 'removes S3 objects' : 'removes an S3 bucket';
      if (service === 's3' && op === 'sync' && values.includes('--delete')) return 'removes S3 objects that are not in the source (--delete)';
      return undefined;
    }
    case 'terraform':
    case 'tofu': {
      const [verb] = positionals(args);
      if (verb === 'destroy') return 'destroys infrastructure';
      if (verb === 'apply' && values.some((v) => v === '-destroy' || v === '--destroy')) return 'destroys infrastructure';
      return undefined;
    }
    case 'dd':
      return values.some((v) => v.startsWith('of=')) ? 'overwrites a file or device' : undefined;
    case 'shred':
    case 'wipefs':
      return 'erases data on a device or file';
    case 'find':
      if (values.includes('-delete')) return 'removes the files it finds';
      if (values.some((v, i) => (v === '-exec' || v === '-execdir') && judge(args.slice(i + 1).filter((a) => a.value !== ';' && a.value !== '{}' && a.value !== '+')))) return 'runs a destructive command on the files it finds';
      return undefined;
    case 'reboot':
    case 'shutdown':
    case 'poweroff':
    case 'halt':
      return 'restarts or stops the machine';
    case 'systemctl': {
      const [verb] = positionals(args);
      return ['stop', 'restart', 'kill', 'disable', 'mask', 'reboot', 'poweroff', 'halt'].includes(verb ?? '') ? 'stops or restarts a system service' : undefined;
    }
    case 'ssh': {
      // What runs on the host: the words after it.
      const host = args.findIndex((a, i) => !a.value.startsWith('-') && !SSH_VALUE_FLAGS.has(args[i - 1]?.value ?? ''));
      return host >= 0 && host + 1 < args.length ? judge(args.slice(host + 1)) : undefined;
    }
    case 'eval': {
      const inner = findDestructive(values.join(' '));
      return inner[0]?.reason;
    }
    default:
      if (cmd === 'mkfs' || cmd.startsWith('mkfs.')) return 'formats a device, erasing it';
      // `bash -c '…'`: the inner command decides.
      if (SHELLS.has(cmd)) {
        const c = values.indexOf('-c');
        const script = c >= 0 ? values[c + 1] : undefined;
        if (script !== undefined) {
          if (/(\$\(|<\(|`)\s*(curl|wget)\b/.test(script)) return 'runs a script downloaded from the network';
          const inner = findDestructive(script);
          if (inner.length) return inner[0].reason;
        }
      }
      return undefined;
  }
}

/** Merges overlapping or touching parts, keeping the first reason. */
function merge(parts: DestructivePart[]): DestructivePart[] {
  const sorted = [...parts].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: DestructivePart[] = [];
  for (const p of sorted) {
    const last = out.at(-1);
    if (last && p.start <= last.end) last.end = Math.max(last.end, p.end);
    else out.push({ ...p });
  }
  return out;
}

/**
 * The destructive parts of `command`, in order and not overlapping: each
 * destructive simple command whole (from its first word to its last), and a
 * pipeline that feeds a download into a shell (`curl … | sh`) from the
 * download to the shell.
 */
export function findDestructive(command: string): DestructivePart[] {
  const commands = parse(command);
  const parts: DestructivePart[] = [];
  commands.forEach((c, i) => {
    const reason = judge(c.words);
    if (reason) parts.push({ start: c.words[0].start, end: c.words.at(-1)!.end, reason });
    // A shell reading its script from a pipe whose source is a download.
    const head = commandWords(c.words)[0];
    if (c.piped && head && SHELLS.has(base(head.value)) && !c.words.some((w) => w.value === '-c')) {
      for (let j = i - 1; j >= 0; j--) {
        const from = commandWords(commands[j].words)[0];
        if (from && DOWNLOADERS.has(base(from.value))) {
          parts.push({ start: commands[j].words[0].start, end: c.words.at(-1)!.end, reason: 'runs a script downloaded from the network' });
          break;
        }
        if (!commands[j].piped) break;
      }
    }
  });
  // `bash <(curl …)` and `sh -c "$(curl …)"`, which the split above cuts apart.
  for (const m of command.matchAll(/\b(?:ba|z|da|k)?sh\s+(?:-c\s+)?["']?(?:<\(|\$\()\s*(?:curl|wget)\b[^)]*\)?/g)) {
    parts.push({ start: m.index, end: m.index + m[0].length, reason: 'runs a script downloaded from the network' });
  }
  return merge(parts);
}

/** `command` cut at its destructive parts (see {@link findDestructive}), for display. */
export function segmentCommand(command: string): CommandSegment[] {
  const segments: CommandSegment[] = [];
  let at = 0;
  for (const p of findDestructive(command)) {
    if (p.start > at) segments.push({ text: command.slice(at, p.start) });
    segments.push({ text: command.slice(p.start, p.end), reason: p.reason });
    at = p.end;
  }
  if (at < command.length) segments.push({ text: command.slice(at) });
  return segments;
}
