// Pod-spec checks shared by the chart tests: Pod Security Standard `restricted` field by field,
// requests and limits on every container, probes on every long-running container. Each returns
// the problems it found (empty: none), so a failing test names the pod, container and field.
import type { V1PodSpec } from '@kubernetes/client-node';
import { allContainers } from './chart.ts';

const RESTRICTED_VOLUME_TYPES = ['configMap', 'emptyDir', 'secret', 'projected', 'persistentVolumeClaim', 'downwardAPI', 'ephemeral', 'csi'];

export function restrictedProblems(where: string, pod: V1PodSpec): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) problems.push(`${where}: ${what}`);
  };
  need(!pod.hostNetwork, 'hostNetwork');
  need(!pod.hostPID, 'hostPID');
  need(!pod.hostIPC, 'hostIPC');
  need(pod.securityContext?.runAsUser !== 0, 'pod runAsUser 0');
  for (const volume of pod.volumes ?? []) {
    const types = Object.keys(volume).filter((k) => k !== 'name');
    need(types.every((t) => RESTRICTED_VOLUME_TYPES.includes(t)), `volume ${volume.name} of type ${types.join(',')}`);
  }
  for (const c of allContainers(pod)) {
    const at = `container ${c.name}`;
    const sc = c.securityContext;
    need(sc?.allowPrivilegeEscalation === false, `${at} allowPrivilegeEscalation not false`);
    need(!sc?.privileged, `${at} privileged`);
    need((sc?.capabilities?.drop ?? []).includes('ALL'), `${at} does not drop ALL capabilities`);
    need((sc?.capabilities?.add ?? []).every((cap) => cap === 'NET_BIND_SERVICE'), `${at} adds capabilities`);
    need((sc?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) === true, `${at} runAsNonRoot not true`);
    need(sc?.runAsUser !== 0, `${at} runAsUser 0`);
    need((sc?.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type) === 'RuntimeDefault' || sc?.seccompProfile?.type === 'Localhost', `${at} seccomp not RuntimeDefault`);
    need((c.ports ?? []).every((p) => p.hostPort === undefined), `${at} hostPort`);
  }
  return problems;
}

export function resourceProblems(where: string, pod: V1PodSpec): string[] {
  const problems: string[] = [];
  for (const c of allContainers(pod)) {
    for (const kind of ['requests', 'limits'] as const) {
      for (const field of ['cpu', 'memory'] as const) {
        if (c.resources?.[kind]?.[field] === undefined) problems.push(`${where}: container ${c.name} has no ${kind}.${field}`);
      }
    }
  }
  return problems;
}

export function probeProblems(where: string, pod: V1PodSpec): string[] {
  const problems: string[] = [];
  for (const c of pod.containers) {
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
      if (!c[probe]) problems.push(`${where}: container ${c.name} has no ${probe}`);
    }
  }
  return problems;
}
