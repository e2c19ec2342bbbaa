import { ImportError } from './importErrors';

/** How a profile gets credentials, picked in the AWS SDK for JavaScript's order. */
export type AwsProfileKind = 'static' | 'sso' | 'assume-role' | 'process' | 'web-identity';

/** One importable AWS profile. */
export interface ParsedAwsProfile {
  name: string;
  kind: AwsProfileKind;
  region?: string;
  /** Label of the file holding the profile's section (the credentials file when both do). */
  source: string;
  /** Line of that section header. */
  line: number;
  /**
   * Non-secret settings to show, where set: sso_start_url, sso_account_id,
   * sso_role_name, sso_region, sso_session (start URL and region filled in
   * from the `[sso-session]` section), role_arn, role_session_name,
   * source_profile, credential_source, mfa_serial, duration_seconds,
   * credential_process (the command), web_identity_token_file, endpoint_url.
   */
  settings: Record<string, string>;
  /**
   * Secret material of this profile only: access keys, session token and
   * external_id. A role chain's source keys are not copied here; chains are
   * resolved at use time by profile name.
   */
  secrets: { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string; externalId?: string };
}

/** What a pair of AWS config/credentials files offers for import. */
export interface AwsParseResult {
  profiles: ParsedAwsProfile[];
  /** Profiles (or sections) that cannot be imported; `reason` never contains a secret. */
  rejected: { name: string; reason: string; source: string; line?: number }[];
}

/** An AWS file as text, with the path the user knows it by. */
interface AwsFile {
  label: string;
  text: string;
}

const SETTINGS = [
  'sso_start_url',
  'sso_account_id',
  'sso_role_name',
  'sso_region',
  'sso_session',
  'role_arn',
  'role_session_name',
  'source_profile',
  'credential_source',
  'mfa_serial',
  'duration_seconds',
  'credential_process',
  'web_identity_token_file',
  'endpoint_url',
] as const;

const CREDENTIAL_SOURCES = ['Environment', 'Ec2InstanceMetadata', 'EcsContainer'];
const SSO_REQUIRED = ['sso_start_url', 'sso_region', 'sso_account_id', 'sso_role_name'] as const;

/**
 * Parses `~/.aws/config` and/or `~/.aws/credentials` into importable profiles.
 *
 * The INI dialect is the AWS SDK for JavaScript's: `[default]` and
 * `[profile name]` in config, `[name]` in credentials, `[sso-session name]`
 * sections resolved into SSO profiles, `#`/`;` comments (inline after
 * whitespace), indented sub-sections (`s3 =` then indented lines) skipped,
 * repeated sections merged, later keys winning, and the credentials file
 * winning over config key by key.
 *
 * A line that isn't `key = value` inside a section rejects just that profile
 * (the SDK would silently skip it, so the profile may not be what the user
 * thinks). Profiles with nothing to sign in with, broken role chains (missing
 * source profile, cycles) or incomplete SSO settings are rejected with a
 * reason naming file and line.
 *
 * @throws ImportError `AWS_CONFIG_INVALID` when a file isn't AWS INI at all:
 * settings before any section header, or a `[` header that never closes.
 */
export function parseAwsProfiles(config?: AwsFile, credentials?: AwsFile): AwsParseResult {
  const sections = [...(config ? readIni(config, 'config') : []), ...(credentials ? readIni(credentials, 'credentials') : [])];
  const files = [config?.label, credentials?.label].filter((l): l is string => l !== undefined).join(' or ');
  const profiles = new Map<string, Profile>();
  const sessions = new Map<string, Section>();
  const ignored: Section[] = [];
  for (const section of sections) {
    if (section.type === 'sso-session') mergeInto(sessions, section);
    else if (section.type === 'profile') mergeInto(profiles, section);
    else if (section.type === 'ignored') ignored.push(section);
  }

  const resolver = new Resolver(profiles, sessions, files);
  const result: AwsParseResult = { profiles: [], rejected: [] };
  for (const profile of profiles.values()) {
    const status = resolver.status(profile.name);
    if ('problem' in status) {
      result.rejected.push({ name: profile.name, reason: status.problem, source: profile.label, line: profile.line });
    } else {
      result.profiles.push(toParsed(profile, status));
    }
  }
  for (const section of ignored) {
    if (!profiles.has(section.name)) {
      result.rejected.push({ name: section.name, reason: `${section.label} line ${section.line}: ${section.why}`, source: section.label, line: section.line });
    }
  }
  return result;
}

// ---------------------------------------------------------------------------
// INI reading

interface Value {
  value: string;
  line: number;
  label: string;
}

interface Section {
  type: 'profile' | 'sso-session' | 'ignored' | 'other';
  name: string;
  file: 'config' | 'credentials';
  label: string;
  line: number;
  values: Map<string, Value>;
  /** First line in the section that isn't `key = value`. */
  malformed?: { label: string; line: number };
  /** For ignored sections: why AWS tools skip it. */
  why?: string;
}

/** A profile merged from both files. */
type Profile = Section;

function readIni(file: AwsFile, kind: 'config' | 'credentials'): Section[] {
  const sections: Section[] = [];
  let section: Section | undefined;
  let subSection = false;
  const lines = file.text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const line = i + 1;
    // As the SDK: ";" or "#" at the start or after whitespace begins a comment.
    const text = (raw.split(/(?:^|\s)[;#]/)[0] ?? '').trim();
    if (!text) continue;
    if (text.startsWith('[')) {
      if (!text.endsWith(']')) {
        invalid(file, line, 'a section header is missing its closing "]"');
      }
      section = sectionFor(file, kind, text.slice(1, -1).trim(), line);
      sections.push(section);
      subSection = false;
      continue;
    }
    if (!section) {
      const example = kind === 'config' ? '[default] or [profile name]' : '[default] or [name]';
      invalid(file, line, `expected a section header such as ${example} before this line; is this an AWS ${kind} file?`);
    }
    const eq = text.indexOf('=');
    if (eq <= 0) {
      section.malformed ??= { label: file.label, line };
      continue;
    }
    const key = text.slice(0, eq).trim();
    const value = text.slice(eq + 1).trim();
    // "s3 =" opens a nested sub-section of indented lines; an unindented line closes it.
    if (value === '') {
      subSection = true;
      continue;
    }
    if (subSection && raw.trimStart() === raw) subSection = false;
    if (!subSection) section.values.set(key, { value, line, label: file.label });
  }
  return sections;
}

function invalid(file: AwsFile, line: number, problem: string): never {
  throw new ImportError('AWS_CONFIG_INVALID', `${file.label} line ${line}: ${problem}`, { file: file.label, line });
}

function sectionFor(file: AwsFile, kind: 'config' | 'credentials', header: string, line: number): Section {
  const base = { file: kind, label: file.label, line, values: new Map<string, Value>() };
  const prefixed = /^([\w-]+)\s+(["']?)([\w\-@+.%:/]+)\2$/.exec(header);
  const prefix = prefixed && ['profile', 'sso-session', 'services'].includes(prefixed[1] as string) ? prefixed[1] : undefined;
  const name = prefixed?.[3] ?? header;
  if (kind === 'credentials') {
    if (!prefix) return { ...base, type: 'profile', name: header };
    return { ...base, type: 'ignored', name, why: `[${header}] belongs in the config file; the credentials file uses plain [${name}] headers` };
  }
  if (header === 'default' || prefix === 'profile') return { ...base, type: 'profile', name: prefix ? name : 'default' };
  if (prefix === 'sso-session') return { ...base, type: 'sso-session', name };
  if (prefix === 'services') return { ...base, type: 'other', name };
  return { ...base, type: 'ignored', name: header, why: `[${header}] isn't read by AWS tools; in the config file profiles are written [profile ${header}]` };
}

/**
 * Repeated sections (and the same profile in both files) merge, later keys
 * winning. Config sections come first, so the credentials file wins, and its
 * section becomes the profile's home.
 */
function mergeInto(target: Map<string, Section>, section: Section): void {
  const existing = target.get(section.name);
  if (!existing) {
    target.set(section.name, section);
    return;
  }
  for (const [key, value] of section.values) existing.values.set(key, value);
  existing.malformed ??= section.malformed;
  if (section.file !== existing.file) {
    existing.file = section.file;
    existing.label = section.label;
    existing.line = section.line;
  }
}

// ---------------------------------------------------------------------------
// Classification and role chains

type Status = { kind: AwsProfileKind; settings: Record<string, string> } | { problem: string };

class Resolver {
  private readonly memo = new Map<string, Status>();

  constructor(
    private readonly profiles: Map<string, Profile>,
    private readonly sessions: Map<string, Section>,
    private readonly files: string,
  ) {}

  /** Whether the named profile is usable, following its role chain. */
  status(name: string): Status {
    let status = this.memo.get(name);
    if (!status) {
      const profile = this.profiles.get(name) as Profile;
      status = this.classify(profile);
      if ('kind' in status && status.kind === 'assume-role') {
        const problem = this.chainProblem(profile, [name]);
        if (problem) status = { problem: `${where(profile)}: profile "${name}" ${problem}` };
      }
      this.memo.set(name, status);
    }
    return status;
  }

  /** The SDK's order: assume-role, static keys, web identity, process, SSO. */
  private classify(p: Profile): Status {
    const fail = (problem: string, at: { label: string; line: number } = p) => ({ problem: `${at.label} line ${at.line}: profile "${p.name}" ${problem}` });
    const get = (key: string) => p.values.get(key);
    const has = (key: string) => p.values.has(key);
    const settings: Record<string, string> = {};
    for (const key of SETTINGS) {
      const value = get(key)?.value;
      if (value !== undefined) settings[key] = value;
    }

    if (p.malformed) return fail(`has a line that isn't "key = value" (${p.malformed.label} line ${p.malformed.line})`, p.malformed);
    if (has('aws_access_key_id') !== has('aws_secret_access_key')) {
      const [present, missing] = has('aws_access_key_id') ? ['aws_access_key_id', 'aws_secret_access_key'] : ['aws_secret_access_key', 'aws_access_key_id'];
      return fail(`has ${present} but no ${missing}`, get(present));
    }
    const source = get('credential_source');
    if (source && !CREDENTIAL_SOURCES.includes(source.value)) {
      // The value isn't echoed: pasted text may hold anything there.
      return fail('has a credential_source other than Environment, Ec2InstanceMetadata or EcsContainer', source);
    }
    const role = get('role_arn');
    if (role) {
      if (has('source_profile') && source) return fail('sets both source_profile and credential_source; use one', role);
      if (has('source_profile') || source) return { kind: 'assume-role', settings };
      if (has('web_identity_token_file')) return { kind: 'web-identity', settings };
      return fail('has role_arn but no source_profile, credential_source or web_identity_token_file to assume it with', role);
    }
    if (has('aws_access_key_id')) return { kind: 'static', settings };
    if (has('web_identity_token_file')) return fail('has web_identity_token_file but no role_arn', get('web_identity_token_file'));
    if (has('credential_process')) return { kind: 'process', settings };
    if (Object.keys(settings).some((key) => key.startsWith('sso_'))) return this.sso(p, settings, fail);
    if (has('source_profile') || source) return fail(`has ${source ? 'credential_source' : 'source_profile'} but no role_arn to assume`);
    if (has('login_session')) return fail('signs in with "aws login" (login_session), which Pilothouse cannot import');
    return fail(
      'has no credentials (expected aws_access_key_id and aws_secret_access_key, sso_session or sso_start_url, role_arn with source_profile or credential_source, credential_process, or web_identity_token_file)',
    );
  }

  private sso(p: Profile, settings: Record<string, string>, fail: (problem: string, at?: { label: string; line: number }) => Status): Status {
    const sessionName = p.values.get('sso_session');
    if (sessionName) {
      const session = this.sessions.get(sessionName.value);
      if (!session) return fail(`has sso_session "${sessionName.value}", but there is no [sso-session ${sessionName.value}] section`, sessionName);
      if (session.malformed) {
        return fail(`uses [sso-session ${session.name}], which has a line that isn't "key = value" (${session.malformed.label} line ${session.malformed.line})`, session.malformed);
      }
      for (const key of ['sso_start_url', 'sso_region'] as const) {
        const own = p.values.get(key);
        const shared = session.values.get(key);
        if (own && shared && own.value !== shared.value) return fail(`sets ${key} differently from [sso-session ${session.name}] (line ${shared.line})`, own);
        if (shared) settings[key] = shared.value;
      }
    }
    const missing = SSO_REQUIRED.filter((key) => !settings[key]);
    if (missing.length) return fail(`is missing ${missing.join(', ')} for SSO sign-in`);
    return { kind: 'sso', settings };
  }

  /**
   * Follows source_profile as the SDK does: a source with static keys ends the
   * chain (so a profile may name itself as source to assume a role with its
   * own keys); meeting a profile again otherwise is a cycle.
   */
  private chainProblem(p: Profile, path: string[]): string | undefined {
    const ref = p.values.get('source_profile');
    if (!ref) return undefined;
    const source = this.profiles.get(ref.value);
    const via = path.length > 1 ? ` (via ${path.slice(1).map((n) => `"${n}"`).join(', ')})` : '';
    if (!source) return `has source_profile "${ref.value}" (${ref.label} line ${ref.line})${via}, which isn't defined in ${this.files}`;
    if (source.values.has('aws_access_key_id') && source.values.has('aws_secret_access_key')) return undefined;
    if (path.includes(ref.value)) return `has a role chain that loops: ${[...path, ref.value].join(' → ')}`;
    const status = this.classify(source);
    if ('problem' in status) return `can't use its source_profile "${ref.value}": ${status.problem}`;
    return status.kind === 'assume-role' ? this.chainProblem(source, [...path, ref.value]) : undefined;
  }
}

function where(p: Profile): string {
  return `${p.label} line ${p.line}`;
}

function toParsed(p: Profile, status: Extract<Status, { kind: AwsProfileKind }>): ParsedAwsProfile {
  const value = (key: string) => p.values.get(key)?.value;
  const secrets: ParsedAwsProfile['secrets'] = {};
  const pairs = [
    ['accessKeyId', 'aws_access_key_id'],
    ['secretAccessKey', 'aws_secret_access_key'],
    ['sessionToken', 'aws_session_token'],
    ['externalId', 'external_id'],
  ] as const;
  for (const [field, key] of pairs) {
    const v = value(key);
    if (v !== undefined) secrets[field] = v;
  }
  const region = value('region');
  return {
    name: p.name,
    kind: status.kind,
    ...(region !== undefined ? { region } : {}),
    source: p.label,
    line: p.line,
    settings: status.settings,
    secrets,
  };
}
