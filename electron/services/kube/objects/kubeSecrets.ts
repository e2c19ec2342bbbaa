import { KubeConfig } from '@kubernetes/client-node';

/** Every credential string in a kubeconfig, so the log redactor can mask it. */
export function kubeSecretsOf(kubeconfig: string): string[] {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  return kc.users.flatMap((u) => [
    u.token,
    u.password,
    u.keyData,
    ...Object.values(u.authProvider?.config ?? {}).filter((v): v is string => typeof v === 'string' && v.length >= 16),
    ...(u.exec?.env ?? []).map((e: { value: string }) => e.value),
  ]).filter((s): s is string => Boolean(s));
}
