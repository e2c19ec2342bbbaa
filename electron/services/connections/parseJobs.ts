/**
 * The CPU-heavy half of previews and imports: read the file bytes, decode
 * them, parse the YAML or INI and build the kubeconfig or AWS model. Pure
 * (no database, no secret box), so it runs in a worker thread
 * (`parseWorker.ts`); what needs the data file stays with the caller.
 * Large Prometheus answers are read here too (metrics/prometheusAnswer.ts).
 */
import type { TransferListItem } from 'node:worker_threads';
import type { AwsProfilePreview, AwsProfilesSource, KubeconfigSource, KubeContextPreview, RejectedEntry } from '../../../shared/contract';
import { withoutHiddenChars } from '../../../shared/hiddenChars';
import { answerTransferables, readPrometheusAnswer, type PrometheusAnswer, type PrometheusAnswerJob } from '../metrics/prometheusAnswer';
import { parseAwsProfiles, type AwsParseResult } from './awsProfilesParse';
import { parseKubeconfig, parseKubeconfigSources, type KubeconfigParseResult, type ParsedContext, type RejectedContext } from './kubeconfigParse';
import { isUntrustedSource, readAwsSources, readKubeconfigSources, type SourceEnvironment } from './sources';

/** A context as previewed, before the caller says which names are taken. */
export type ContextPreview = Omit<KubeContextPreview, 'existingConnectionId'>;
/** A profile as previewed, before the caller says which names are taken. */
export type ProfilePreview = Omit<AwsProfilePreview, 'existingConnectionId'>;

/** The contexts chosen for import, ready to seal, and what the file refused. */
export interface KubeconfigRead {
  sourceLabel: string;
  /** Only the contexts asked for that the file has, with their kubeconfig (a secret). */
  contexts: ParsedContext[];
  rejected: RejectedEntry[];
}

/** Every job a parse worker does, and what each answers. */
export type ParseJob =
  | { kind: 'kubeconfigPreview'; source: KubeconfigSource; environment: SourceEnvironment }
  | { kind: 'kubeconfigRead'; source: KubeconfigSource; environment: SourceEnvironment; contextNames: string[] }
  | { kind: 'awsPreview'; source: AwsProfilesSource; environment: SourceEnvironment }
  | { kind: 'awsRead'; source: AwsProfilesSource; environment: SourceEnvironment }
  | PrometheusAnswerJob;

/** The answer to each kind of {@link ParseJob}. */
export interface ParseResults {
  kubeconfigPreview: { sourceLabel: string; contexts: ContextPreview[]; rejected: RejectedEntry[]; currentContext?: string };
  kubeconfigRead: KubeconfigRead;
  awsPreview: { profiles: ProfilePreview[]; rejected: RejectedEntry[] };
  awsRead: AwsParseResult;
  prometheusAnswer: PrometheusAnswer;
}

/** The buffers of `job` moved to the worker rather than copied: a Prometheus answer's bytes. */
export function jobTransferables(job: ParseJob): TransferListItem[] {
  return job.kind === 'prometheusAnswer' ? [job.bytes.buffer as ArrayBuffer] : [];
}

/** The buffers of `job`'s answer moved back rather than copied: a Prometheus matrix's values. */
export function resultTransferables(result: ParseResults[ParseJob['kind']], job: ParseJob): TransferListItem[] {
  return job.kind === 'prometheusAnswer' ? answerTransferables(result as PrometheusAnswer) : [];
}

/**
 * The name offered for a context or profile: its own, without the characters
 * a stored name may not hold (so it can't pass for another), or a placeholder
 * when nothing is left.
 */
export function suggestedNameOf(name: string): string {
  return withoutHiddenChars(name).trim() || 'imported';
}

/** Whether importing `ctx` from `source` needs the user's confirmation: it runs a command or reads local files named by pasted or uploaded text. */
export function needsConfirmation(source: KubeconfigSource, ctx: Pick<ParsedContext, 'commands' | 'localFiles'>): boolean {
  return isUntrustedSource(source) && (ctx.commands.length > 0 || ctx.localFiles.length > 0);
}

const rejectedEntry = (r: RejectedContext): RejectedEntry => ({ name: r.contextName, reason: r.reason, source: r.source, ...(r.line ? { line: r.line } : {}) });

function readKubeconfig(source: KubeconfigSource, environment: SourceEnvironment): { sourceLabel: string; parsed: KubeconfigParseResult } {
  const sources = readKubeconfigSources(source, environment);
  return {
    sourceLabel: sources.map((s) => s.label).join(', '),
    parsed: sources.length === 1 ? parseKubeconfig(sources[0]) : parseKubeconfigSources(sources),
  };
}

function readAws(source: AwsProfilesSource, environment: SourceEnvironment): AwsParseResult {
  const files = readAwsSources(source, environment);
  return parseAwsProfiles(files.config, files.credentials);
}

function previewKubeconfig(source: KubeconfigSource, environment: SourceEnvironment): ParseResults['kubeconfigPreview'] {
  const { sourceLabel, parsed } = readKubeconfig(source, environment);
  return {
    sourceLabel,
    // The stored kubeconfig of each context stays here: a preview shows no secret.
    contexts: parsed.contexts.map((c) => ({
      contextName: c.contextName,
      clusterName: c.clusterName,
      userName: c.userName,
      ...(c.namespace ? { namespace: c.namespace } : {}),
      server: c.server,
      authKind: c.authKind,
      ...(c.execCommand ? { execCommand: c.execCommand } : {}),
      commands: c.commands,
      localFiles: c.localFiles,
      settings: c.settings,
      confirmRequired: needsConfirmation(source, c),
      source: c.source,
      line: c.line,
      suggestedName: suggestedNameOf(c.contextName),
    })),
    rejected: parsed.rejected.map(rejectedEntry),
    ...(parsed.currentContext ? { currentContext: parsed.currentContext } : {}),
  };
}

function readKubeconfigContexts(source: KubeconfigSource, environment: SourceEnvironment, contextNames: string[]): KubeconfigRead {
  const { sourceLabel, parsed } = readKubeconfig(source, environment);
  const wanted = new Set(contextNames);
  return { sourceLabel, contexts: parsed.contexts.filter((c) => wanted.has(c.contextName)), rejected: parsed.rejected.map(rejectedEntry) };
}

function previewAws(source: AwsProfilesSource, environment: SourceEnvironment): ParseResults['awsPreview'] {
  const parsed = readAws(source, environment);
  return {
    profiles: parsed.profiles.map((p) => ({
      profile: p.name,
      profileKind: p.kind,
      ...(p.region ? { region: p.region } : {}),
      settings: p.settings,
      hasStaticKeys: Boolean(p.secrets.accessKeyId),
      source: p.source,
      line: p.line,
      suggestedName: suggestedNameOf(p.name),
    })),
    rejected: parsed.rejected,
  };
}

/** Does one {@link ParseJob}; throws ImportError or AppError for input a person must fix. */
export function runParseJob(job: ParseJob): ParseResults[ParseJob['kind']] {
  switch (job.kind) {
    case 'kubeconfigPreview':
      return previewKubeconfig(job.source, job.environment);
    case 'kubeconfigRead':
      return readKubeconfigContexts(job.source, job.environment, job.contextNames);
    case 'awsPreview':
      return previewAws(job.source, job.environment);
    case 'awsRead':
      return readAws(job.source, job.environment);
    case 'prometheusAnswer':
      return readPrometheusAnswer(job);
  }
}
