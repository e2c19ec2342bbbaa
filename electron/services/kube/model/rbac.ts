/** ServiceAccounts, and the bindings that grant Roles and ClusterRoles. */
import type { KubeObject } from './kubeObject';

/** A ServiceAccount; `secrets` lists token Secrets made for it before Kubernetes 1.24 and those added by hand. */
export interface ServiceAccountObject extends KubeObject {
  secrets?: { name?: string }[];
}

/** Who a binding grants its role to. */
export interface RbacSubject {
  kind: string;
  name: string;
  namespace?: string;
}

/** A RoleBinding or a ClusterRoleBinding. */
export interface RoleBindingObject extends KubeObject {
  roleRef?: { apiGroup?: string; kind?: string; name?: string };
  subjects?: RbacSubject[];
}

/** kubectl's ROLE column of a binding: "ClusterRole/admin". */
export function bindingRole(binding: RoleBindingObject): string | null {
  const ref = binding.roleRef;
  return ref?.kind && ref.name ? `${ref.kind}/${ref.name}` : null;
}
