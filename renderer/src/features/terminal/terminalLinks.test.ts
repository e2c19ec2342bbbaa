import { describe, expect, it, vi } from 'vitest';
import { handleTerminalLink, openableUrl } from './terminalLinks';

const click = { type: 'mouseup', button: 0 };

describe('terminal links', () => {
  it('opens an http(s) URL on a click with the main button', () => {
    const open = vi.fn();
    expect(handleTerminalLink(click, 'https://grafana.example.com/d/abc?x=1', open)).toBe(true);
    expect(handleTerminalLink({ type: 'click', button: 0 }, 'http://localhost:8080/', open)).toBe(true);
    expect(open.mock.calls).toEqual([['https://grafana.example.com/d/abc?x=1'], ['http://localhost:8080/']]);
  });

  it.each(['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'file:///etc/passwd', 'data:text/html,<script>1</script>', 'vbscript:x', 'pilothouse://app/x', 'ftp://host/x', 'not a url', '', '//evil.example.com'])(
    'refuses %j',
    (uri) => {
      const open = vi.fn();
      expect(handleTerminalLink(click, uri, open)).toBe(false);
      expect(open).not.toHaveBeenCalled();
    },
  );

  it('opens nothing on a hover, a middle or right click', () => {
    const open = vi.fn();
    for (const event of [
      { type: 'mousemove', button: 0 },
      { type: 'mouseover', button: 0 },
      { type: 'mouseup', button: 1 },
      { type: 'mouseup', button: 2 },
      { type: 'keydown', button: 0 },
    ])
      expect(handleTerminalLink(event, 'https://example.com', open)).toBe(false);
    expect(open).not.toHaveBeenCalled();
  });

  it('normalises what it opens', () => {
    expect(openableUrl('HTTPS://Example.COM/a b')).toBe('https://example.com/a%20b');
  });

  it('opens through window.open without an opener by default', () => {
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    handleTerminalLink(click, 'https://example.com/');
    expect(open).toHaveBeenCalledWith('https://example.com/', '_blank', 'noopener,noreferrer');
    open.mockRestore();
  });
});
