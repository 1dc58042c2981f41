{{/* Chart name and version for the helm.sh/chart label. */}}
{{- define "shopwatch-stack.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Name of one of this chart's own objects: <release>-<component>. Release-prefixed rather than
<release>-shopwatch-stack-…, because values point at these names (the services' OTLP endpoint,
Grafana's datasource and admin Secret) and they should read as plainly as `shopwatch-jaeger`.
Args: root, name.
*/}}
{{- define "shopwatch-stack.componentName" -}}
{{- printf "%s-%s" .root.Release.Name .name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels that select one component's pods. Args: root, name. */}}
{{- define "shopwatch-stack.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{/*
Labels on every object of one component. `part-of: shopwatch` keeps our pods out of the
NetworkPolicy that opens kube-prometheus-stack's (templates/networkpolicies.yaml).
Args: root, name, component.
*/}}
{{- define "shopwatch-stack.labels" -}}
helm.sh/chart: {{ include "shopwatch-stack.chart" .root }}
{{ include "shopwatch-stack.selectorLabels" . }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: shopwatch
{{- end }}

{{/* The Secret with Grafana's admin credentials that this chart makes. */}}
{{- define "shopwatch-stack.grafanaAdminSecretName" -}}
{{- include "shopwatch-stack.componentName" (dict "root" . "name" "grafana-admin") }}
{{- end }}

{{/*
A Prometheus duration (`30d`, `4w`, `1w2d`, `36h`, `90m`) in seconds; empty when it is not one.
Prometheus' units: ms, s, m, h, d, w, y (365 days). The whole text must be made of them.
*/}}
{{- define "shopwatch-stack.durationSeconds" -}}
{{- $text := toString . }}
{{- $units := dict "ms" 0.001 "s" 1 "m" 60 "h" 3600 "d" 86400 "w" 604800 "y" 31536000 }}
{{- if regexMatch "^([0-9]+(ms|s|m|h|d|w|y))+$" $text }}
{{- $total := 0.0 }}
{{- range regexFindAll "[0-9]+(ms|s|m|h|d|w|y)" $text -1 }}
{{- $unit := regexFind "(ms|s|m|h|d|w|y)$" . }}
{{- $total = addf $total (mulf (trimSuffix $unit . | float64) (index $units $unit)) }}
{{- end }}
{{- $total }}
{{- end }}
{{- end }}

{{/*
Every SLO window of the platform: the defaults and each service's own. Returns a JSON list of
{slo, window} (slo names where it comes from, for the error message).
*/}}
{{- define "shopwatch-stack.sloWindows" -}}
{{- $obs := .Values.shopwatch.observability | default dict }}
{{- $out := list }}
{{- range ($obs.defaultSlos | default list) }}
{{- $out = append $out (dict "slo" (printf "observability.defaultSlos %s" .name) "window" (toString .window)) }}
{{- end }}
{{- range $service, $own := ($obs.services | default dict) }}
{{- range (($own | default dict).slos | default list) }}
{{- $out = append $out (dict "slo" (printf "observability.services.%s %s" $service .name) "window" (toString .window)) }}
{{- end }}
{{- end }}
{{- toJson $out }}
{{- end }}
