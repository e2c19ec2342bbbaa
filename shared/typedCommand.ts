import { codePointLabel, firstHiddenChar } from './hiddenChars';

/**
 * Why `command` may not be typed into a shell as it is, or undefined when it
 * may. A shell's line editor takes control characters as editing keys (Ctrl+W
 * deletes a word, Esc-b moves back, Tab completes), so a command carrying
 * them runs as something other than the text shown; invisible and
 * text-direction characters make the text shown differ from what runs too.
 * Only line breaks are allowed, each ending a command as Enter does.
 */
export function typedCommandProblem(command: string): string | undefined {
  const lines = command.replace(/\r\n/g, '\n').split('\n');
  for (const [i, line] of lines.entries()) {
    const char = firstHiddenChar(line);
    if (char === undefined) continue;
    const what = char === '\t' ? 'a tab, which the shell takes as completion' : /\p{Cc}/u.test(char) ? 'a control character, which the shell takes as an editing key' : 'an invisible or text-direction character';
    return `Line ${i + 1} holds ${codePointLabel(char)}, ${what}: typed into the shell, what runs would not be what is shown. Copy the command instead.`;
  }
  return undefined;
}
