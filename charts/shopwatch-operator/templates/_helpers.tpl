{{/* Chart name, overridable. */}}
{{- define "shopwatch-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: release-chart, unless the release name already contains the chart name. */}}
{{- define "shopwatch-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "shopwatch-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "shopwatch-operator.labels" -}}
helm.sh/chart: {{ include "shopwatch-operator.chart" . }}
{{ include "shopwatch-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: shopwatch
{{- end }}

{{/* Labels that select the operator pods; never change them after a release exists. */}}
{{- define "shopwatch-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "shopwatch-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "shopwatch-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "shopwatch-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Namespaces watched in namespaced mode (the release namespace when none are listed). */}}
{{- define "shopwatch-operator.watchNamespaces" -}}
{{- if .Values.watch.namespaces }}
{{- join "," (uniq .Values.watch.namespaces) }}
{{- else }}
{{- .Release.Namespace }}
{{- end }}
{{- end }}

{{/*
The permissions the reconcile loop needs, shared by the ClusterRole (cluster mode) and the
per-namespace Roles (namespaced mode). Least privilege: named resources and verbs only, no
wildcards, no Secrets, no bind/escalate/impersonate. `create` and `patch` on outputs because
server-side apply creates missing objects; `delete` to remove outputs a spec no longer asks for.
*/}}
{{- define "shopwatch-operator.rules" -}}
- apiGroups: [observability.shopwatch.dev]
  resources: [serviceobservabilities]
  verbs: [get, list, watch]
- apiGroups: [observability.shopwatch.dev]
  resources: [serviceobservabilities/status]
  verbs: [get, patch]
- apiGroups: [monitoring.coreos.com]
  resources: [servicemonitors, prometheusrules]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [grafana.integreatly.org]
  resources: [grafanadashboards]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [create]
{{- end }}
