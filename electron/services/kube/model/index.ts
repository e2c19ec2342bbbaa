/**
 * The Kubernetes object model: the kinds the services read, typed as far as
 * they are read, and what kubectl computes from them (pod status, node roles,
 * job status, GPU counts). Tables, details and actions all start from here.
 */
export * from './autoscaling';
export * from './durations';
export * from './events';
export * from './kubeObject';
export * from './network';
export * from './nodes';
export * from './pods';
export * from './policy';
export * from './quantities';
export * from './rbac';
export * from './storage';
export * from './workloads';
